import type Keyv from 'keyv';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { VectorCache } from '../retrieval/embedder.ts';
import { openKeyv } from './open-keyv.ts';

/** A vector as base64 of its Float32Array bytes: a quarter of the size of JSON numbers, and exact. */
export const encodeVector = (vector: Float32Array): string => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');

export function decodeVector(text: unknown): Float32Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  // Copied into a fresh buffer: Buffer.from may hand back a slice of a shared pool at any offset.
  return new Float32Array(new Uint8Array(bytes).buffer);
}

/** Vectors by `vectorKey(model, text)` (retrieval/cached-embedder.ts), no TTL: a text's vector never changes. */
export function keyvVectorCache(keyv: Keyv<unknown>, log: Logger): VectorCache & { close(): Promise<void> } {
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await keyv.getMany([...keys]);
      return values.map((value, i) => {
        const vector = decodeVector(value);
        if (value !== undefined && value !== null && !vector) log.warn({ key: keys[i] }, 'ignored an unreadable cached vector');
        return vector;
      });
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      await keyv.setMany(entries.map(({ key, vector }) => ({ key, value: encodeVector(vector) })));
    },
    close: () => keyv.disconnect(),
  };
}

export function openVectorCache(config: Pick<Config, 'STORE_URL'>, log: Logger): VectorCache & { close(): Promise<void> } {
  return keyvVectorCache(openKeyv<unknown>(config.STORE_URL, 'vectors', log), log);
}
