// A bot (or any entry point of ours) as an operator runs it: `node --import tsx <script>` as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REPO } from './temp-app.ts';

export type BotProcess = { child: ChildProcess; output: () => string; kill(signal?: NodeJS.Signals): Promise<number | null> };

/** Starts `node --import tsx <script> <args>` with the bot's environment; stdout and stderr are kept for failure messages. */
export function startProcess(script: string, args: string[], env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

