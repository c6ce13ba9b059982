// The real bot (startBot → real discord.js Client) logged into the loopback Discord double, with a real app on
// the bundled sample corpus. One app per test file (seeding takes about a second); one double and bot per test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientOptions } from 'discord.js';
import { test as base, expect } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startBot, type Bot, type BotOptions } from '../../src/discord/client.ts';
import { silentLogger } from '../../src/log.ts';
import { DiscordDouble, isJson, type DoubleOptions, type Json, type RecordedRequest } from '../support/discord-double.ts';
import { startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';

export const TOKEN = 'TEST.TOKEN.fake';

export type Harness = { double: DiscordDouble; bot: Bot; app: App; config: Config };
export type ConnectOptions = {
  double?: DoubleOptions;
  /** Log a second bot into a running double, as after a restart. */
  reuse?: DiscordDouble;
  /** Overrides on top of the file's config, e.g. `{ USER_COMMANDS_PER_MINUTE: 2 }`. */
  config?: Partial<Config>;
  client?: Partial<ClientOptions>;
  /** Wraps the file's app, e.g. to record or slow down `ask`. */
  app?: (app: App) => App;
  /** startBot's own options, e.g. `{ feedPollMs: 200 }`. */
  bot?: BotOptions;
};
type Shared = { app: App; config: Config };

export const test = base.extend<{ appEnv: Record<string, string>; shared: Shared; connect: (options?: ConnectOptions) => Promise<Harness> }>({
  /** Extra environment for the file's app; a file overrides it with `test.override({ appEnv: [..., { scope: 'file' }] })` (see feeds.test.ts). */
  appEnv: [{}, { scope: 'file' }],
  shared: [
    async ({ appEnv }, use) => {
      const dir = await mkdtemp(join(tmpdir(), 'briefing-discord-'));
      // Generous limits by default; the tests about limits lower them.
      const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', DISCORD_TOKEN: TOKEN, USER_COMMANDS_PER_MINUTE: '600', ...appEnv });
      const app = await createApp(config, silentLogger());
      await app.warmUp();
      await use({ app, config });
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
  connect: async ({ shared }, use) => {
    const started: Harness[] = [];
    await use(async (options = {}) => {
      const double = options.reuse ?? (await DiscordDouble.start({ token: TOKEN, ...options.double }));
      const config: Config = { ...shared.config, DISCORD_API_URL: double.apiBase, ...options.config };
      const app = options.app ? options.app(shared.app) : shared.app;
      const { rest, ...client } = options.client ?? {};
      const bot = await startBot(config, app, silentLogger(), { waitGuildTimeout: 1000, ...client, rest: { globalRequestsPerSecond: 10_000, ...rest } }, options.bot);
      const harness = { double, bot, app, config };
      started.push(harness);
      return harness;
    });
    // Bots first: a client destroyed after its double is gone keeps reconnecting.
    for (const { bot } of started) await bot.stop();
    for (const double of new Set(started.map((harness) => harness.double))) {
      await double.stop();
      expect(double.violations, 'Discord limits and allowedMentions').toEqual([]);
      expect(double.unmatched.map((r) => `${r.method} ${r.path}`), 'requests the double has no route for').toEqual([]);
      expect(double.unacknowledged(), 'every interaction gets an answer').toEqual([]);
    }
  },
});

/**
 * The harness plus a loopback OpenAI double for the file; point the app at it with
 * `.override({ appEnv: [async ({ model }, use) => use({ OPENAI_BASE_URL: model.baseURL, … }), { scope: 'file' }] })`.
 */
export const testWithModel = test.extend<{ model: OpenAiDouble }>({
  model: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
    async ({}, use) => {
      const model = await startOpenAiDouble();
      await use(model);
      await model.close();
    },
    { scope: 'file' },
  ],
});

export const bodyOf = (req: RecordedRequest): Json => (isJson(req.body) ? req.body : {});
export const dataOf = (req: RecordedRequest): Json => {
  const data = bodyOf(req).data;
  return isJson(data) ? data : {};
};
export const embedsOf = (body: Json): Json[] => (Array.isArray(body.embeds) ? body.embeds.filter(isJson) : []);

export const callbackFor = (token: string) => (req: RecordedRequest) => req.method === 'POST' && req.path.endsWith(`/${token}/callback`);
export const editOf = (token: string) => (req: RecordedRequest) => req.method === 'PATCH' && req.path.endsWith(`/${token}/messages/@original`);
export const followUpOf = (token: string) => (req: RecordedRequest) => req.method === 'POST' && req.path.startsWith('/webhooks/') && req.path.endsWith(`/${token}`);

/** Everything a member is shown by one request: content, embed texts and field values. */
export function shownText(body: Json): string {
  const data = isJson(body.data) ? body.data : body;
  const embeds = embedsOf(data).flatMap((embed) => [
    embed.title, embed.description, ...(Array.isArray(embed.fields) ? embed.fields.filter(isJson).flatMap((f) => [f.name, f.value]) : []),
    isJson(embed.footer) ? embed.footer.text : undefined,
  ]);
  return [data.content, ...embeds].filter((text): text is string => typeof text === 'string').join('\n');
}

export { linkTargets } from '../support/link-targets.ts';

export const isEphemeral = (body: Json) => {
  const data = isJson(body.data) ? body.data : body;
  return (Number(data.flags ?? 0) & 64) === 64;
};

/** The message an interaction's reply became, as the double stores it (its id is what buttons are keyed by). */
export async function originalMessage(double: DiscordDouble, token: string): Promise<Json> {
  const response = await fetch(`${double.apiBase}/v10/webhooks/${double.appId}/${token}/messages/@original`);
  const message: unknown = await response.json();
  if (!response.ok || !isJson(message)) throw new Error(`no original message for ${token}: ${response.status}`);
  return message;
}

/** The `p` quantile (0–1, nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
}
