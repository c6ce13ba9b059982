import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { Logger } from '../log.ts';

export class StoreError extends Error {
  override name = 'StoreError';
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
    // iterationLimit: rows per page when listing a namespace (index rebuilds). The default of 10 pages
    // with OFFSET, which makes listing 100k articles quadratic.
    const adapter = new KeyvSqlite({ uri: url, busyTimeout: 5000, iterationLimit: 1000 });
    // WAL with synchronous=NORMAL: a write commits without an fsync (the log is synced at checkpoints),
    // which makes ingest several times faster; a power cut can lose the last writes, never the file.
    void adapter.query('PRAGMA journal_mode=WAL').then(() => adapter.query('PRAGMA synchronous=NORMAL')).catch(() => undefined);
    return adapter;
  }
  if (/^rediss?:\/\//.test(url)) {
    // Fail fast instead of queueing commands forever while Redis is down.
    return new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 3000 });
  }
  throw new StoreError(`STORE_URL must start with sqlite:// or redis://, got "${url}".`);
}

/** One Keyv per namespace on the store STORE_URL names. Errors are logged, not swallowed. */
export function openKeyv<T>(url: string, namespace: string, log: Logger, ttl?: number): Keyv<T> {
  const keyv = new Keyv<T>({ store: adapterFor(url), namespace, ...(ttl ? { ttl } : {}), throwOnErrors: true });
  keyv.on('error', (err: unknown) => log.error({ err, namespace }, 'store error'));
  return keyv;
}
