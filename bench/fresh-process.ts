import { spawn } from 'node:child_process';

/**
 * Runs a bench script in a fresh Node process with this one's loader (tsx) and parses the JSON it
 * prints on stdout. Its stderr (progress lines) goes straight to ours.
 */
export async function inFreshProcess<T>(script: string, args: readonly string[]): Promise<T> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  if (code !== 0) throw new Error(`${script} ${args[0] ?? ''} exited with ${code}; its error is printed above`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}
