// Redis stopped and started under a running bot: the digest check fails quietly while it is down (no crash,
// nothing sent, nothing lost) and the digest goes out once it is back. A private redis-server that writes
// every change to disk, so a restart keeps what was stored, as a production Redis with AOF does.
import { describe, expect } from 'vitest';
import { SUBSCRIPTION_VERSION } from '../../src/digest/subscription.ts';
import { test as botTest } from '../discord/bot-fixture.ts';
import { privateRedis, type PrivateRedis } from '../support/redis-server.ts';
import { tempDir } from '../support/temp-app.ts';

const test = botTest
  .extend<{ redis: PrivateRedis }>({
    redis: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
      async ({}, use) => {
        const dir = await tempDir('briefing-redis-');
        const redis = await privateRedis({ persistDir: dir.path });
        await use(redis);
        await redis.stop();
        await dir.remove();
      },
      { scope: 'file' },
    ],
  })
  .override({ appEnv: [async ({ redis }, use) => use({ STORE_URL: redis.url }), { scope: 'file' }] });

describe('a Redis restart under the digest scheduler', () => {
  test('no digest while Redis is down, nothing lost, exactly one once it is back', async ({ connect, redis }) => {
    let now = new Date('2026-04-13T12:30:00Z');
    const { double, bot, app } = await connect({ bot: { clock: { now: () => now, sleep: async () => undefined }, digestPollMs: 3_600_000 } });
    await bot.checkDigests();
    const cursor = new Date('2026-04-06T12:00:00Z');
    await app.subscriptions.put({
      version: SUBSCRIPTION_VERSION, id: 'redis0001', guildId: double.guildId, channelId: double.channelId, topic: 'china-dprk',
      cadence: { kind: 'weekly', weekday: 'mon', time: '08:00' }, timezone: 'America/New_York', language: 'en',
      createdBy: '1000', createdAt: cursor, cursor, status: { state: 'active' },
    });
    const articles = (await app.sources()).articles;

    await redis.stop();
    expect(await bot.checkDigests()).toBeUndefined(); // the check failed, was logged, and the bot runs on
    expect(double.channelMessages(double.channelId)).toEqual([]);

    await redis.start();
    now = new Date('2026-04-13T12:31:00Z');
    let report = await bot.checkDigests();
    for (let i = 0; i < 50 && report === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the clients reconnect with backoff
      report = await bot.checkDigests();
    }
    expect(report).toMatchObject({ due: 1, outcomes: { delivered: 1 } });
    expect(double.channelMessages(double.channelId)).toHaveLength(1);
    expect(await bot.checkDigests()).toMatchObject({ due: 0 });
    expect((await app.subscriptions.get('redis0001'))?.status.state).toBe('active');
    expect((await app.sources()).articles).toBe(articles);
  }, 60_000);
});
