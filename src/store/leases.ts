import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { loadRedis } from './load-redis.ts';
import { StoreError } from './open-keyv.ts';

/** A claim on a key until it expires or is released; renewing keeps a long delivery's claim alive. */
export type Lease = {
  /** False when the lease had already expired and someone else may hold it now. */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
};

export type Leases = {
  /** The lease, or undefined when another holder (this process or another) has it and it has not expired. */
  acquire(key: string, ttlMs: number): Promise<Lease | undefined>;
  close(): Promise<void>;
};

// Compare-and-delete / compare-and-extend: only the holder that set the value may release or renew it.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** SET NX PX on Redis: atomic across every process that shares the server. */
function redisLeases(url: string, prefix: string): Leases {
  // Without the offline queue a command fails at once while Redis is down (the check is retried later)
  // instead of waiting for the reconnect; reconnecting still happens in the background.
  const client = loadRedis().createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 3000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) } });
  client.on('error', () => undefined); // failures surface as rejected commands; the 'error' event would crash the process
  const connected = client.connect();
  return {
    async acquire(key, ttlMs) {
      await connected;
      const owner = randomUUID();
      const name = `${prefix}lease:${key}`;
      const set = await client.set(name, owner, { NX: true, PX: ttlMs });
      if (set !== 'OK') return undefined;
      return {
        renew: async (ttl) => Number(await client.eval(RENEW, { keys: [name], arguments: [owner, String(ttl)] })) === 1,
        release: async () => {
          await client.eval(RELEASE, { keys: [name], arguments: [owner] });
        },
      };
    },
    async close() {
      await connected.catch(() => undefined);
      if (client.isOpen) await client.quit();
    },
  };
}

/**
 * A table in the SQLite file: one statement claims a free or expired row, so two processes on one file
 * (e.g. the bot and a CLI) cannot both win. SQLite is the single-host store; several hosts need Redis.
 */
function sqliteLeases(path: string, prefix: string): Leases {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new StoreError(`Cannot create the data folder ${dirname(path)}: ${(err as Error).message}. Set DATA_DIR to a writable folder.`);
  }
  const db = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
  const ready = db.query('CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER NOT NULL)');
  const rows = async (sql: string, ...params: unknown[]): Promise<unknown[]> => {
    await ready;
    const result: unknown = await db.query(sql, ...params);
    return Array.isArray(result) ? result : [];
  };
  return {
    async acquire(key, ttlMs) {
      const owner = randomUUID();
      const name = `${prefix}${key}`;
      const now = Date.now();
      const won = await rows(
        'INSERT INTO leases (key, owner, expires) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, expires = excluded.expires WHERE leases.expires <= ? RETURNING owner',
        name, owner, now + ttlMs, now,
      );
      if (won.length === 0) return undefined;
      return {
        renew: async (ttl) => (await rows('UPDATE leases SET expires = ? WHERE key = ? AND owner = ? RETURNING owner', Date.now() + ttl, name, owner)).length === 1,
        release: async () => {
          await rows('DELETE FROM leases WHERE key = ? AND owner = ?', name, owner);
        },
      };
    },
    close: () => db.disconnect(),
  };
}

/** Leases on the store STORE_URL names (sqlite:// or redis://). */
export function openLeases(url: string, prefix = ''): Leases {
  if (url.startsWith('sqlite://')) return sqliteLeases(url.slice('sqlite://'.length), prefix);
  if (/^rediss?:\/\//.test(url)) return redisLeases(url, prefix);
  throw new StoreError(`STORE_URL must start with sqlite:// or redis://, got "${url}".`);
}
