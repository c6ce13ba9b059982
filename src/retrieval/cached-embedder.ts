import { createHash } from 'node:crypto';
import type { Embedder, VectorCache } from './embedder.ts';

/** The cache key of a text's vector: the model and a hash of the exact text, so an edited passage is embedded again. */
export const vectorKey = (model: string, text: string): string => `${model}:${createHash('sha256').update(text).digest('base64url')}`;

/** An embedder that asks the model only for texts whose vectors are not cached yet, then caches them. */
export function cachedEmbedder(inner: Embedder, cache: VectorCache): Embedder {
  return {
    model: inner.model,
    async embed(texts, signal) {
      const keys = texts.map((text) => vectorKey(inner.model, text));
      const found = await cache.getMany(keys);
      const missing = [...new Set(found.flatMap((vector, i) => (vector ? [] : [i])).map((i) => texts[i]!))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing, signal);
        const fresh = new Map(missing.map((text, i) => [text, vectors[i]!]));
        await cache.setMany(missing.map((text) => ({ key: vectorKey(inner.model, text), vector: fresh.get(text)! })));
        return texts.map((text, i) => found[i] ?? fresh.get(text)!);
      }
      return found.map((vector) => vector!);
    },
  };
}
