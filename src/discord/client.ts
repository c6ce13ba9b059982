import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { App } from '../app.ts';
import { ConfigError, type Config } from '../config.ts';
import { startDigestScheduler, type CheckReport } from '../digest/scheduler.ts';
import { startFeedPolling } from '../ingest/feed-polling.ts';
import { collectProcessMetrics, metrics } from '../ops/metrics.ts';
import { startOpsServer } from '../ops/ops-server.ts';
import { gatewayCheck, ingestAgeCheck, storeCheck } from '../ops/readiness.ts';
import type { Logger } from '../log.ts';
import { commands } from './commands/index.ts';
import { digestPayload } from './digest-message.ts';
import { discordDigestSender } from './digest-sender.ts';
import { createDispatcher } from './dispatch.ts';
import { keyvConversationStore } from './keyv-conversation-store.ts';
import { slidingWindow } from './rate-limit.ts';

/** Digest deliveries in flight at once; the REST client holds them to Discord's 50 requests/s. */
const DIGEST_CONCURRENCY = 16;

/**
 * The real discord.js client: the Guilds intent only (slash commands need no message content), and the REST
 * base from DISCORD_API_URL when set. `overrides` is for tests (e.g. `rest: { retries: 0 }`).
 */
export function createClient(config: Pick<Config, 'DISCORD_API_URL'>, overrides: Partial<ClientOptions> = {}): Client {
  const { rest, ...more } = overrides;
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    ...more,
    rest: { ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), ...rest },
  });
}

export type BotOptions = {
  /** Test-only: the gap between feed runs in milliseconds, instead of FEED_POLL_MINUTES (which must still be > 0 to poll). */
  feedPollMs?: number;
  /** Test-only: the digest scheduler's clock (digests are due by it) and sleep between retries. */
  clock?: { now: () => Date; sleep: (ms: number) => Promise<void> };
  /** Test-only: the gap between digest checks in milliseconds, instead of DIGEST_POLL_SECONDS. */
  digestPollMs?: number;
};

export type Bot = {
  client: Client;
  /** Resolves once no interaction is being answered (tests and graceful shutdown). */
  idle(): Promise<void>;
  /** Runs a digest check now (or joins the one running) and reports what it did. */
  checkDigests(): Promise<CheckReport | undefined>;
  /** The operations listener's base URL, when OPS_PORT is set. */
  opsUrl: string | undefined;
  stop(): Promise<void>;
};

/** The operations listener on OPS_PORT: liveness, readiness (gateway, store, feed freshness) and Prometheus metrics. */
async function startOps(config: Config, client: Client, app: App, log: Logger, lastIngestOk: () => Date | undefined) {
  collectProcessMetrics();
  // Shards share the host: each takes the port after the previous one's.
  const port = config.OPS_PORT === 0 ? 0 : (config.OPS_PORT ?? 0) + (client.shard?.ids[0] ?? 0);
  return startOpsServer({
    port, host: config.OPS_HOST, metrics, log: log.child({ module: 'ops' }),
    checks: {
      gateway: gatewayCheck(() => client.isReady()),
      store: storeCheck(() => app.pingStore()),
      // Three missed runs in a row mean the feeds are stale; without polling, freshness is not checked.
      ingest: ingestAgeCheck(lastIngestOk, config.FEED_POLL_MINUTES > 0 ? 3 * config.FEED_POLL_MINUTES * 60_000 : undefined),
    },
  });
}

/**
 * Logs in, waits until the guilds are cached (ClientReady), and answers interactions until `stop()`. With
 * FEED_POLL_MINUTES > 0 it also runs the feeds (FEEDS_FILE's and every server's) now and then that many minutes
 * after each run ends. `briefing-bot serve` calls this; it rejects when the token is missing or refused.
 */
export async function startBot(config: Config, app: App, log: Logger, overrides: Partial<ClientOptions> = {}, options: BotOptions = {}): Promise<Bot> {
  if (!config.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (Bot → Reset Token) into .env.');
  const botLog = log.child({ module: 'discord' });
  await app.warmUp(); // the first /brief should not pay for loading the index
  const conversations = keyvConversationStore(config, botLog);
  const dispatch = createDispatcher({
    app,
    conversations,
    commands,
    limiter: slidingWindow({ limit: config.USER_COMMANDS_PER_MINUTE, windowMs: 60_000, now: Date.now }),
    guildLimiter: slidingWindow({ limit: config.GUILD_COMMANDS_PER_MINUTE, windowMs: 60_000, now: Date.now }),
    timeoutMs: config.INTERACTION_TIMEOUT_SECONDS * 1000,
    log: botLog,
  });
  const inFlight = new Set<Promise<void>>();
  const client = createClient(config, overrides);
  let lastIngestOk: Date | undefined;
  // Up before login, so liveness answers while the gateway connects and readiness says it has not yet.
  const ops = config.OPS_PORT === undefined ? undefined : await startOps(config, client, app, botLog, () => lastIngestOk);
  client.on(Events.Error, (err) => botLog.error({ err }, 'client error'));
  client.on(Events.Warn, (message) => botLog.warn({ detail: message }, 'client warning'));
  client.on(Events.InteractionCreate, (interaction) => {
    // A rejected async listener goes nowhere; the dispatcher answers its own failures, this only logs.
    const work = dispatch(interaction).catch((err: unknown) => botLog.error({ err }, 'dispatch failed'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });

  const ready = once(client, Events.ClientReady);
  ready.catch(() => undefined); // when login fails, `ready` is never awaited; a later 'error' must not go unhandled
  try {
    await client.login(config.DISCORD_TOKEN);
    await ready;
  } catch (err) {
    await client.destroy();
    await conversations.close();
    await ops?.close();
    throw err;
  }
  botLog.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  // Each run logs its own summary line ('feed run finished'); a failed run is logged and the next one still comes.
  const stopPolling = config.FEED_POLL_MINUTES > 0
    ? startFeedPolling(async () => {
      const report = await app.ingestFeeds();
      // A run in which every feed failed still resolves; only one that reached a feed counts for /readyz.
      if (report.fetched + report.notModified > 0) lastIngestOk = new Date();
      return report;
    }, options.feedPollMs ?? config.FEED_POLL_MINUTES * 60_000, log.child({ module: 'feeds' }))
    : undefined;
  const clock = options.clock ?? { now: () => new Date(), sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref()) };
  const titleOf = (slug: string) => app.topics.find((topic) => topic.slug === slug)?.title ?? slug;
  const digests = startDigestScheduler({
    subscriptions: app.subscriptions,
    deliveries: app.deliveries,
    leases: app.leases(),
    sender: discordDigestSender(client),
    compose: (input) => app.digest(input),
    render: (digest, subscription, marker) => digestPayload(digest, titleOf(subscription.topic), marker),
    // With shards, each process holds only its guilds: the shard that owns a guild sends its digests.
    owns: (guildId) => client.guilds.cache.has(guildId),
    now: clock.now,
    sleep: clock.sleep,
    retryMs: config.DIGEST_RETRY_MINUTES * 60_000,
    quiet: config.DIGEST_QUIET,
    leaseMs: config.DIGEST_LEASE_SECONDS * 1000,
    concurrency: DIGEST_CONCURRENCY,
    log: log.child({ module: 'digests', ...(client.shard ? { shard: client.shard.ids } : {}) }),
  }, options.digestPollMs ?? config.DIGEST_POLL_SECONDS * 1000);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      client.removeAllListeners(Events.InteractionCreate);
      // A feed run and a digest check in progress are waited for too, so the store is not closed under them
      // (a delivery cut between send and confirm would be recovered on restart, but need not be); all within the grace period.
      const polled = stopPolling?.() ?? Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.allSettled([...inFlight, polled, digests.stop()]);
      const late = await Promise.race([drained.then(() => false), new Promise<boolean>((done) => { timer = setTimeout(() => done(true), config.SHUTDOWN_GRACE_SECONDS * 1000); })]);
      clearTimeout(timer);
      if (late) botLog.warn({ interactions: inFlight.size }, 'stopping with work still in progress');
      await client.destroy();
      await conversations.close();
      await ops?.close(); // last: probes keep answering while work drains
      botLog.info('disconnected from Discord');
    })();
    return stopped;
  };
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return { client, idle, stop, checkDigests: digests.checkNow, opsUrl: ops?.url };
}
