import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { App } from '../app.ts';
import { ConfigError, type Config } from '../config.ts';
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

export type Bot = {
  client: Client;
  /** Resolves once no interaction is being answered (tests and graceful shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Logs in, waits until the guilds are cached (ClientReady), and answers interactions until `stop()`.
 * `briefing-bot serve` calls this; it rejects when the token is missing or refused.
 */
export async function startBot(config: Config, app: App, log: Logger, overrides: Partial<ClientOptions> = {}): Promise<Bot> {
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

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      client.removeAllListeners(Events.InteractionCreate);
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.allSettled([...inFlight]);
      await Promise.race([drained, new Promise((done) => { timer = setTimeout(done, DRAIN_MS); })]);
      clearTimeout(timer);
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
