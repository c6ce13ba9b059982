import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type DeserializedData, type KeyvStoreAdapter } from 'keyv';
import type { Logger } from '../log.ts';
import { loadRedis } from './load-redis.ts';

export class StoreError extends Error {
  override name = 'StoreError';
}

/**
 * Rows per multi-row INSERT in `setMany`: two bound values each, so 400 rows stay under the 999
 * variables that SQLite builds before 3.32 allow.
 */
const ROWS_PER_INSERT = 400;

/**
 * KeyvSqlite with a batched `setMany` and key-ordered listing.
 *
 * Without `setMany`, Keyv writes a batch as one INSERT per entry, each its own transaction and its
 * own trip through the connection's queue (~1 ms each). One multi-row upsert per 400 entries is a
 * single statement, so it commits atomically on the adapter's one connection and cannot interleave
 * with statements another caller sends on it (an explicit BEGIN…COMMIT could).
 *
 * The stock iterator pages with OFFSET, which rescans every earlier row on each page (quadratic over
 * 100k articles) and skips rows when an expired entry is deleted mid-listing. Paging by the last key
 * seen walks the primary-key index once and does neither; each page is fetched while the caller
 * is still working through the one before.
 */
class BatchedKeyvSqlite extends KeyvSqlite {
  async setMany(entries: { key: string; value: unknown }[]): Promise<void> {
    for (let at = 0; at < entries.length; at += ROWS_PER_INSERT) {
      const rows = entries.slice(at, at + ROWS_PER_INSERT);
      const values = rows.map(() => '(?, ?)').join(', ');
      await this.query(
        `INSERT INTO ${this.opts.table} (key, value) VALUES ${values} ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
        ...rows.flatMap(({ key, value }) => [key, value]),
      );
    }
  }

  override async *iterator(namespace?: string): AsyncGenerator<[string, string], void> {
    const limit = Number(this.opts.iterationLimit) || 10;
    const pattern = `${namespace ? `${namespace}:` : ''}%`;
    const select = `SELECT key, value FROM ${this.opts.table} WHERE key LIKE ? AND key > ? ORDER BY key LIMIT ?`;
    const page = (after: string) => this.query(select, pattern, after, limit) as Promise<{ key: string; value: string }[]>;
    let next = page('');
    for (;;) {
      const rows = await next;
      const last = rows.at(-1);
      const more = last !== undefined && rows.length === limit;
      if (more) {
        // The next page is read on the driver's thread while the caller works through this one.
        next = page(last.key);
        next.catch(() => undefined); // awaited above on the next turn; a caller that stops early drops it
      }
      for (const row of rows) yield [row.key, row.value];
      if (!more) return;
    }
  }
}

/**
 * Whether Keyv's default serializer (@keyv/serialize) would write `value` differently from
 * JSON.stringify. It escapes strings that start with ':' (as '::…') and writes Buffers as
 * ':base64:…'; it also differs on functions, symbols, holes and custom toJSON. Anything other than
 * plain data (objects, arrays, Dates, strings, numbers, booleans, null) counts as different.
 */
function needsKeyvEncoding(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.startsWith(':');
    case 'number':
    case 'boolean':
    case 'undefined':
      return false;
    case 'object':
      break;
    default:
      return true;
  }
  if (value === null || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || needsKeyvEncoding(value[i])) return true;
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return true;
  for (const key in value) if (needsKeyvEncoding((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** What @keyv/serialize's JSON.parse reviver does to each value, applied in one walk afterwards. */
function keyvDecoded(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(':')) return value;
    return value.startsWith(':base64:') ? Buffer.from(value.slice(8), 'base64') : value.slice(1);
  }
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const decoded = keyvDecoded(record[key]);
    if (decoded === record[key]) continue;
    // A parsed "__proto__" key is an own property; plain assignment would set the prototype instead.
    Object.defineProperty(record, key, { value: decoded, writable: true, enumerable: true, configurable: true });
  }
  return value;
}

/**
 * Keyv's default (de)serializer, byte for byte, at native JSON speed: @keyv/serialize builds its
 * string in JavaScript and parses with a reviver called for every value, which cost ~60 µs of each
 * ~150 µs article write and two thirds of each read. Values it would encode differently still go
 * through it, so records stay readable by older versions sharing the store, and old records by this one.
 */
function useNativeJson<T>(keyv: Keyv<T>): void {
  const keyvSerialize = keyv.serialize;
  if (!keyvSerialize) return;
  keyv.serialize = <Value>(data: DeserializedData<Value>) => (needsKeyvEncoding(data) ? keyvSerialize(data) : JSON.stringify(data));
  keyv.deserialize = <Value>(text: string) => keyvDecoded(JSON.parse(text)) as DeserializedData<Value>;
}

type KeyvRedisClass = ReturnType<typeof loadRedis>['default'];
type RedisClient = ReturnType<InstanceType<KeyvRedisClass>['getClient']>;

let declaredOneConnect: KeyvRedisClass | undefined;

/**
 * KeyvRedis whose first commands share one connection attempt and wait for it. The stock adapter lets a
 * concurrent first command through while the handshake is still running, which without the offline
 * queue fails ("The client is offline"). Declared on first use, as its base class is loaded late
 * (see load-redis.ts).
 */
function oneConnectKeyvRedis(): KeyvRedisClass {
  declaredOneConnect ??= class extends loadRedis().default<unknown> {
    private connecting: RedisClient | undefined;

    override async getClient(): RedisClient {
      // isReady, not isOpen: a client is open as soon as connect() starts, and a command sent before the
      // handshake fails without the offline queue. While Redis is down and the client reconnects, the
      // stock getClient returns at once, so commands still fail fast.
      const client = this.client;
      if ('isReady' in client ? client.isReady : client.isOpen) return client;
      this.connecting ??= super.getClient().finally(() => {
        this.connecting = undefined;
      });
      return this.connecting;
    }
  };
  return declaredOneConnect;
}

/** A fresh adapter per namespace: Keyv writes its namespace onto the adapter, so two Keyvs must not share one. */
function adapterFor(url: string): KeyvStoreAdapter {
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new StoreError(`Cannot create the data folder ${dirname(path)}: ${(err as Error).message}. Set DATA_DIR to a writable folder.`);
    }
    // iterationLimit: rows per page when listing a namespace (index rebuilds); the default is 10.
    const adapter = new BatchedKeyvSqlite({ uri: url, busyTimeout: 5000, iterationLimit: 1000 });
    // WAL with synchronous=NORMAL: a write commits without an fsync (the log is synced at checkpoints),
    // which makes ingest several times faster; a power cut can lose the last writes, never the file.
    void adapter.query('PRAGMA journal_mode=WAL').then(() => adapter.query('PRAGMA synchronous=NORMAL')).catch(() => undefined);
    return adapter;
  }
  if (/^rediss?:\/\//.test(url)) {
    // Fail fast instead of queueing commands forever while Redis is down. Its setMany is one MULTI.
    // disableOfflineQueue: while the client reconnects, a command fails at once ("The client is offline") instead
    // of waiting, unbounded, for Redis to come back; node-redis keeps reconnecting in the background.
    const OneConnectKeyvRedis = oneConnectKeyvRedis();
    return new OneConnectKeyvRedis({ url, disableOfflineQueue: true }, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 3000 });
  }
  throw new StoreError(`STORE_URL must start with sqlite:// or redis://, got "${url}".`);
}

/** One Keyv per namespace on the store STORE_URL names. Errors are logged, not swallowed. */
export function openKeyv<T>(url: string, namespace: string, log: Logger, ttl?: number): Keyv<T> {
  const keyv = new Keyv<T>({ store: adapterFor(url), namespace, ...(ttl ? { ttl } : {}), throwOnErrors: true });
  useNativeJson(keyv);
  keyv.on('error', (err: unknown) => log.error({ err, namespace }, 'store error'));
  return keyv;
}
