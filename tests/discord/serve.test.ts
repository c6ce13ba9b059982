import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordDouble } from '../support/discord-double.ts';
import { REPO, tempDir } from '../support/temp-app.ts';

const TOKEN = 'SERVE.TOKEN.fake';

/** `briefing-bot serve` as an operator runs it: a child process, stopped by a signal. */
describe('briefing-bot serve', () => {
  let double: DiscordDouble | undefined;
  afterEach(async () => {
    await double?.stop();
    double = undefined;
  });

  it('logs in through DISCORD_API_URL, answers /brief, and exits 0 on SIGTERM', async () => {
    double = await DiscordDouble.start({ token: TOKEN });
    const dataDir = await tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir.path, DISCORD_TOKEN: TOKEN, DISCORD_API_URL: double.apiBase, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      // The bot is ready once it has identified and the guild has been delivered.
      const deadline = Date.now() + 20_000;
      while (!double.gatewayIn.some((frame) => (frame as { op?: number }).op === 2)) {
        if (Date.now() > deadline) throw new Error(`serve never identified; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const interaction = double.chatInput('brief', { topic: 'china-dprk', since: '2019-01-01', until: '2019-12-31' });
      const edit = await double.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(`${interaction.token}/messages/@original`), 15_000);
      expect(JSON.stringify(edit.body)).toContain('China–DPRK relations');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(double.violations).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await dataDir.remove();
    }
  }, 40_000);
});
