/**
 * Fan-out: N channels subscribed to one topic on one schedule, delivered by the real bot through the loopback
 * Discord double at Discord's real ceiling (discord.js's default 50 requests/s). Measures compositions made
 * (target: 1), messages delivered (target: one per channel) and wall time against the floor N / 50 s.
 */
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { SUBSCRIPTION_VERSION } from '../src/digest/subscription.ts';
import { startBot } from '../src/discord/client.ts';
import { silentLogger } from '../src/log.ts';
import { DiscordDouble } from '../tests/support/discord-double.ts';

export type FanoutPlan = { channels: number };
export type FanoutResult = {
  channels: number;
  compositions: number;
  messages: number;
  /** Channels that got exactly one message. */
  deliveredOnce: number;
  wallSeconds: number;
  /** channels / 50: the fastest Discord allows one bot token. */
  floorSeconds: number;
  overFloor: number;
  /** Messages over the whole wall time: at most 50, and close to it when nothing but Discord's limit holds delivery back. */
  messagesPerSecond: number;
  /** From the start of the check to the first message (listing, claiming, composing). */
  firstMessageSeconds: number;
  /** From the last message to the end of the check (confirming the last deliveries, releasing claims). */
  afterLastSeconds: number;
};

/** Discord's global limit per bot token, which discord.js enforces by default. */
const GLOBAL_REQUESTS_PER_SECOND = 50;
const TOKEN = 'BENCH.TOKEN.fake';
/** A Monday 08:00 in New York just after the sample corpus's last articles: the digest has content. */
const NOW = new Date('2026-04-13T12:30:00Z');
const CURSOR = new Date('2026-04-06T12:00:00Z');

export async function benchFanout(plan: FanoutPlan, tempDir: string): Promise<FanoutResult> {
  const double = await DiscordDouble.start({ token: TOKEN, guilds: [{ channels: plan.channels }] });
  const config = { ...loadConfig({ DATA_DIR: join(tempDir, 'fanout'), LOG_LEVEL: 'silent', DISCORD_TOKEN: TOKEN }), DISCORD_API_URL: double.apiBase };
  const base = await createApp(config, silentLogger());
  let compositions = 0;
  const app = { ...base, digest: (input: Parameters<typeof base.digest>[0]) => { compositions++; return base.digest(input); } };
  const bot = await startBot(config, app, silentLogger(), { waitGuildTimeout: 1000 }, {
    clock: { now: () => NOW, sleep: (ms) => new Promise((done) => setTimeout(done, ms)) },
    digestPollMs: 3_600_000,
  });
  try {
    await bot.checkDigests(); // the check made at start, before any subscription exists
    for (const channelId of double.channelIds()) {
      await app.subscriptions.put({
        version: SUBSCRIPTION_VERSION, id: `f${channelId.slice(-9)}`, guildId: double.guildId, channelId, topic: 'china-dprk',
        cadence: { kind: 'weekly', weekday: 'mon', time: '08:00' }, timezone: 'America/New_York', language: 'en',
        createdBy: '1000', createdAt: CURSOR, cursor: CURSOR, status: { state: 'active' },
      });
    }
    const before = double.requests.length;
    const started = performance.now();
    await bot.checkDigests();
    const ended = performance.now();
    const wallSeconds = (ended - started) / 1000;
    const posts = double.requests.slice(before).filter((req) => req.method === 'POST');
    const floorSeconds = plan.channels / GLOBAL_REQUESTS_PER_SECOND;
    const messages = double.channelMessages().length;
    return {
      channels: plan.channels,
      compositions,
      messages,
      deliveredOnce: double.channelIds().filter((id) => double.channelMessages(id).length === 1).length,
      wallSeconds,
      floorSeconds,
      overFloor: wallSeconds / floorSeconds,
      messagesPerSecond: messages / wallSeconds,
      firstMessageSeconds: ((posts[0]?.at ?? ended) - started) / 1000,
      afterLastSeconds: (ended - (posts.at(-1)?.at ?? ended)) / 1000,
    };
  } finally {
    await bot.stop();
    await base.close();
    await double.stop();
  }
}
