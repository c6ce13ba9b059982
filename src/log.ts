import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = ['token', '*.token', 'apiKey', '*.apiKey', 'headers.authorization', '*.headers.authorization'];

/** The root logger. The CLI writes to stderr (fd 2) so stdout carries only the output. */
export function createLogger(level: string, fd: 1 | 2 = 2): Logger {
  const pretty = process.stderr.isTTY && fd === 2;
  return pino(
    { level, redact: REDACT, base: undefined },
    pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'time' } })
      : pino.destination({ fd, sync: true }),
  );
}

/** For tests and benchmarks: nothing is written. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
