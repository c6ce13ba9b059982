// Graceful shutdown of `briefing-bot serve` as an operator sees it: SIGTERM lets the interaction in progress
// finish (the member gets their brief), then the process exits 0; a second signal exits at once.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess, type BotProcess } from '../support/child-process.ts';
import { DiscordDouble } from '../support/discord-double.ts';
import { reply, startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';
import { tempDir } from '../support/temp-app.ts';

const TOKEN = 'SHUTDOWN.TOKEN.fake';

describe('serve shuts down gracefully', () => {
  let discord: DiscordDouble | undefined;
  let model: OpenAiDouble | undefined;
  let bot: BotProcess | undefined;
  const dirs: { remove(): Promise<void> }[] = [];
  afterEach(async () => {
    await bot?.kill('SIGKILL');
    await discord?.stop();
    await model?.close();
    for (const dir of dirs.splice(0)) await dir.remove();
  });

  /** A serve process whose model takes `delayMs` to answer, with one /brief deferred and waiting on it. */
  async function briefInFlight(delayMs: number) {
    discord = await DiscordDouble.start({ token: TOKEN });
    model = await startOpenAiDouble();
    model.script(reply.slow(delayMs, reply.carefulPlus()));
    const dir = await tempDir();
    dirs.push(dir);
    bot = startProcess('src/cli.ts', ['serve'], {
      DATA_DIR: dir.path, DISCORD_TOKEN: TOKEN, DISCORD_API_URL: discord.apiBase, LOG_LEVEL: 'info', LLM_CACHE_TTL_MINUTES: '0',
      OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseURL, BRIEF_MODEL: 'slow-model', OPENAI_TIMEOUT_SECONDS: '30', SHUTDOWN_GRACE_SECONDS: '20',
    });
    const running = bot;
    const deadline = Date.now() + 30_000;
    while (!running.output().includes('connected to Discord')) {
      if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`serve never connected:\n${running.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const interaction = discord.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' });
    await discord.waitForRequest((req) => req.method === 'POST' && req.path.endsWith(`/${interaction.token}/callback`), 10_000);
    const called = model;
    while (called.chatPrompts().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    return { interaction, running };
  }

  it('finishes the brief in progress after SIGTERM, then exits 0', async () => {
    const { interaction, running } = await briefInFlight(1_500);
    running.child.kill('SIGTERM');
    const [code] = (await once(running.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const edit = discord!.requests.find((req) => req.method === 'PATCH' && req.path.endsWith(`/${interaction.token}/messages/@original`));
    expect(JSON.stringify(edit?.body)).toContain('slow-model');
    expect(running.output()).toMatch(/shutting down[\s\S]*disconnected from Discord/);
  }, 60_000);

  it('exits at once on a second signal while draining', async () => {
    const { running } = await briefInFlight(15_000);
    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    running.child.kill('SIGINT');
    const [code] = (await once(running.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 60_000);
});
