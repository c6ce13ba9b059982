// `briefing-bot serve` (or `start:sharded`) as child processes against one loopback Discord double and one
// private Redis: what an operator runs when one process is not enough.
import { createApp } from '../../src/app.ts';
import type { Cadence } from '../../src/digest/cadence.ts';
import { previousTick } from '../../src/digest/schedule.ts';
import { SUBSCRIPTION_VERSION, type Subscription } from '../../src/digest/subscription.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { keyvSubscriptions } from '../../src/store/keyv-subscriptions.ts';
import { tempDir } from '../support/temp-app.ts';

export const TOKEN = 'DIGEST.TOKEN.fake';

/** Environment for a bot process: its own DATA_DIR (the index file), the shared store, quick digest checks. */
export function botEnv(apiBase: string, storeUrl: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir, STORE_URL: storeUrl, DISCORD_TOKEN: TOKEN, DISCORD_API_URL: apiBase, LOG_LEVEL: 'info',
    DIGEST_POLL_SECONDS: '1', DIGEST_LEASE_SECONDS: '2', ...extra,
  };
}

/** Loads the sample corpus into the shared store once, so the bot processes start without racing to seed it. */
export async function seedStore(storeUrl: string): Promise<void> {
  const dir = await tempDir();
  const app = await createApp(loadConfig({ DATA_DIR: dir.path, STORE_URL: storeUrl, LOG_LEVEL: 'silent' }), silentLogger());
  await app.warmUp();
  await app.close();
  await dir.remove();
}

/**
 * A daily cadence whose last run was six hours ago (so none falls due while a test runs), and a cursor one
 * day before that run: each subscription has exactly one due window, from the cursor to that run.
 */
function dueDaily(now: Date): { cadence: Cadence; cursor: Date; windowEnd: Date } {
  const sixHoursAgo = new Date(now.getTime() - 6 * 3_600_000);
  const time = `${String(sixHoursAgo.getUTCHours()).padStart(2, '0')}:${String(sixHoursAgo.getUTCMinutes()).padStart(2, '0')}`;
  const cadence: Cadence = { kind: 'daily', time };
  const windowEnd = previousTick(cadence, 'UTC', now)!;
  return { cadence, cursor: new Date(windowEnd.getTime() - 86_400_000), windowEnd };
}

/**
 * Writes one due subscription per channel into the shared store; returns their ids by channel and the
 * end of the window they are due for. Tests wait for that windowEnd: one computed again a minute later
 * names a later daily time, which no cursor ever reaches.
 */
export async function subscribeChannels(storeUrl: string, guildByChannel: ReadonlyMap<string, string>): Promise<{ ids: Map<string, string>; windowEnd: Date }> {
  const store = keyvSubscriptions(storeUrl, silentLogger());
  const { cadence, cursor, windowEnd } = dueDaily(new Date());
  const ids = new Map<string, string>();
  for (const [channelId, guildId] of guildByChannel) {
    const subscription: Subscription = {
      version: SUBSCRIPTION_VERSION, id: `p${channelId.slice(-9)}`, guildId, channelId, topic: 'china-dprk', cadence, timezone: 'UTC',
      language: 'en', createdBy: '1000', createdAt: cursor, cursor, status: { state: 'active' },
    };
    await store.put(subscription);
    ids.set(channelId, subscription.id);
  }
  await store.close();
  return { ids, windowEnd };
}

/** The stored subscriptions, to check cursors after the processes are done. */
export async function readSubscriptions(storeUrl: string): Promise<Subscription[]> {
  const store = keyvSubscriptions(storeUrl, silentLogger());
  const all = await store.all();
  await store.close();
  return all;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context().slice(-6000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
