import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { App } from '../app.ts';
import { ConfigError, type Config } from '../config.ts';
import { startFeedPolling } from '../ingest/feed-polling.ts';
import type { Logger } from '../log.ts';
import { commands } from './commands/index.ts';
import { createDispatcher } from './dispatch.ts';
import { keyvConversationStore } from './keyv-conversation-store.ts';
import { slidingWindow } from './rate-limit.ts';

/** How long `stop()` waits for interactions still being answered before it disconnects, in milliseconds. */
const DRAIN_MS = 5_000;

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
};

export type Bot = {
  client: Client;
  /** Resolves once no interaction is being answered (tests and graceful shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

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
    timeoutMs: config.INTERACTION_TIMEOUT_SECONDS * 1000,
    log: botLog,
  });
  const inFlight = new Set<Promise<void>>();
  const client = createClient(config, overrides);
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
    throw err;
  }
  botLog.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  // Each run logs its own summary line ('feed run finished'); a failed run is logged and the next one still comes.
  const stopPolling = config.FEED_POLL_MINUTES > 0
    ? startFeedPolling(() => app.ingestFeeds(), options.feedPollMs ?? config.FEED_POLL_MINUTES * 60_000, log.child({ module: 'feeds' }))
    : undefined;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      client.removeAllListeners(Events.InteractionCreate);
      // A feed run in progress is waited for too, so the store is not closed under it; both within DRAIN_MS.
      const polled = stopPolling?.() ?? Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.allSettled([...inFlight, polled]);
      const late = await Promise.race([drained.then(() => false), new Promise<boolean>((done) => { timer = setTimeout(() => done(true), DRAIN_MS); })]);
      clearTimeout(timer);
      if (late) botLog.warn({ interactions: inFlight.size }, 'stopping with work still in progress');
      await client.destroy();
      await conversations.close();
      botLog.info('disconnected from Discord');
    })();
    return stopped;
  };
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return { client, idle, stop };
}
