// The digest state a process shares with others: leases, subscriptions and delivery records, each on
// SQLite and on the machine's Redis (with a namespace of its own, so runs never meet).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_VERSION, type Subscription } from '../../src/digest/subscription.ts';
import { silentLogger } from '../../src/log.ts';
import { keyvDeliveries } from '../../src/store/keyv-deliveries.ts';
import { keyvSubscriptions } from '../../src/store/keyv-subscriptions.ts';
import { openLeases } from '../../src/store/leases.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';
import { captureLog } from '../support/capture-log.ts';
import { tempDir } from '../support/temp-app.ts';

const sub = (id: string, guildId = '100', createdAt = '2026-11-01T08:00:00Z'): Subscription => ({
  version: SUBSCRIPTION_VERSION, id, guildId, channelId: '200', topic: 'china-dprk', cadence: { kind: 'daily', time: '08:00' },
  timezone: 'Europe/London', language: 'en', createdBy: '300', createdAt: new Date(createdAt), cursor: new Date(createdAt), status: { state: 'active' },
});

describe.each(['sqlite', 'redis'] as const)('digest state on %s', (kind) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let url: string;
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  beforeAll(async () => {
    dir = await tempDir();
    url = kind === 'sqlite' ? `sqlite://${join(dir.path, 'store.sqlite')}` : 'redis://127.0.0.1:6379';
  });
  afterAll(() => dir.remove());

  it('grants a lease to one holder at a time, until it is released or expires', async () => {
    const [a, b] = [openLeases(url, prefix), openLeases(url, prefix)]; // two processes' worth of connections
    try {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquire('window-1', 5_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const held = results.find(Boolean)!;
      expect(await held.renew(5_000)).toBe(true);
      await held.release();
      const next = await b.acquire('window-1', 50);
      expect(next).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 120));
      const after = await a.acquire('window-1', 5_000);
      expect(after).toBeDefined();
      expect(await next!.renew(5_000)).toBe(false); // the expired holder cannot take it back
      await after!.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps subscriptions valid, skips a record that no longer parses, and serialises updates', async () => {
    const { log, lines } = captureLog();
    const store = keyvSubscriptions(url, log, prefix);
    const raw = openKeyv<unknown>(url, `${prefix}subscription`, silentLogger());
    try {
      await store.put(sub('aaaaaa1', '100', '2026-11-02T08:00:00Z'));
      await store.put(sub('aaaaaa2', '100', '2026-11-01T08:00:00Z'));
      await store.put(sub('aaaaaa3', '999'));
      await raw.set('broken1', { version: 0, id: 'broken1' });
      expect((await store.forGuild('100')).map((s) => s.id)).toEqual(['aaaaaa2', 'aaaaaa1']);
      expect(lines.some((line) => line.msg === 'stored subscription does not match the schema; skipping it')).toBe(true);
      await expect(store.put({ ...sub('aaaaaa4'), timezone: '' })).rejects.toThrow();

      const later = (hours: number) => new Date(Date.parse('2026-11-01T08:00:00Z') + hours * 3_600_000);
      await Promise.all([1, 2, 3].map((h) => store.update('aaaaaa2', (current) => (current.cursor < later(h) ? { ...current, cursor: later(h) } : undefined))));
      expect((await store.get('aaaaaa2'))?.cursor).toEqual(later(3));
      expect(await store.update('missing', (current) => current)).toBeUndefined();
      expect((await store.remove('aaaaaa3'))?.guildId).toBe('999');
    } finally {
      for (const id of ['aaaaaa1', 'aaaaaa2', 'aaaaaa3', 'broken1']) await raw.delete(id);
      await raw.disconnect();
      await store.close();
    }
  });

  it('records a delivery as sending, then sent, per subscription and window', async () => {
    const deliveries = keyvDeliveries(url, silentLogger(), prefix);
    const windowEnd = new Date('2026-11-27T08:00:00Z');
    try {
      expect(await deliveries.get('aaaaaa1', windowEnd)).toBeUndefined();
      await deliveries.set('aaaaaa1', windowEnd, { state: 'sending', nonce: 'abc', startedAt: windowEnd });
      expect(await deliveries.get('aaaaaa1', windowEnd)).toEqual({ state: 'sending', nonce: 'abc', startedAt: windowEnd });
      await deliveries.set('aaaaaa1', windowEnd, { state: 'sent', messageId: '42', sentAt: windowEnd });
      expect(await deliveries.get('aaaaaa1', windowEnd)).toMatchObject({ state: 'sent', messageId: '42' });
      expect(await deliveries.get('aaaaaa1', new Date('2026-11-28T08:00:00Z'))).toBeUndefined();
    } finally {
      await deliveries.close();
    }
  });
});
