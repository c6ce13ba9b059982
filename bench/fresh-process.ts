import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Runs a bench script in a fresh Node process with this one's loader (tsx) and parses the JSON it
 * prints on stdout. Its stderr (progress lines) passes through to ours.
 */
export async function inFreshProcess<T>(script: string, args: readonly string[]): Promise<T> {
  const child = execFileAsync(process.execPath, [...process.execArgv, script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 64 * 2 ** 20,
  });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child;
  return JSON.parse(stdout) as T;
}
