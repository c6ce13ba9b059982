import { createHash } from 'node:crypto';
import type Keyv from 'keyv';
import { z } from 'zod';
import type { Composer } from '../compose/composer.ts';
import type { Draft } from '../compose/draft.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { metrics } from '../ops/metrics.ts';
import { openKeyv } from './open-keyv.ts';

/** Parsed on read: a record from an older version, or a damaged one, counts as a miss. */
const CachedDraft = z.object({
  claims: z.array(z.object({ text: z.string(), date: z.string().optional(), citations: z.array(z.string()) })),
  composedBy: z.enum(['extractive', 'llm']),
  notices: z.array(z.string()),
});

export type LlmCache = {
  get(key: string): Promise<Draft | undefined>;
  set(key: string, draft: Draft): Promise<void>;
  close(): Promise<void>;
};

/**
 * Drafts in a Keyv; the Keyv carries the namespace ('llm-cache') and the TTL. Store errors are logged and
 * count as misses. Every lookup is counted in briefing_llm_cache_total as a hit or a miss.
 */
export function keyvLlmCache(keyv: Keyv<unknown>, log: Logger): LlmCache {
  const lookup = async (key: string): Promise<Draft | undefined> => {
    try {
      const parsed = CachedDraft.safeParse(await keyv.get(key));
      return parsed.success ? parsed.data : undefined;
    } catch (err) {
      log.warn({ err }, 'llm cache read failed; calling the model');
      return undefined;
    }
  };
  return {
    async get(key) {
      const found = await lookup(key);
      metrics.llmCache.inc({ result: found ? 'hit' : 'miss' });
      return found;
    },
    async set(key, draft) {
      try {
        await keyv.set(key, { claims: draft.claims, composedBy: draft.composedBy, notices: draft.notices });
      } catch (err) {
        log.warn({ err }, 'llm cache write failed');
      }
    },
    close: () => keyv.disconnect(),
  };
}

/** The cache on STORE_URL with LLM_CACHE_TTL_MINUTES, or null when that is 0 (caching off). */
export function openLlmCache(config: Pick<Config, 'STORE_URL' | 'LLM_CACHE_TTL_MINUTES'>, log: Logger): LlmCache | null {
  if (config.LLM_CACHE_TTL_MINUTES === 0) return null;
  return keyvLlmCache(openKeyv<unknown>(config.STORE_URL, 'llm-cache', log, config.LLM_CACHE_TTL_MINUTES * 60_000), log);
}

/**
 * Serves identical requests (same model, same prompt text: `inner.cacheKey`) from the cache, and lets
 * concurrent identical requests share one model call (single-flight). Failures are not cached. Every
 * caller gets its own copy, since callers add notices to drafts. A shared call runs under the first
 * caller's options (abort signal, guild, queue progress); the others wait for it without a place in line.
 */
export function cachedComposer(inner: Composer, cache: LlmCache): Composer {
  const inFlight = new Map<string, Promise<Draft>>();
  const keyOf = (request: Parameters<Composer['compose']>[0]) =>
    createHash('sha256').update(inner.cacheKey ? inner.cacheKey(request) : `${inner.label}\n${JSON.stringify(request)}`).digest('hex');
  return {
    name: inner.name,
    label: inner.label,
    ...(inner.cacheKey ? { cacheKey: inner.cacheKey.bind(inner) } : {}),
    async compose(request, options) {
      const key = keyOf(request);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = (async () => {
          const cached = await cache.get(key);
          if (cached) return cached;
          const draft = await inner.compose(request, options);
          await cache.set(key, draft);
          return draft;
        })().finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return structuredClone(await pending);
    },
  };
}
