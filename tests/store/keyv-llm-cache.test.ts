import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import type { Composer, ComposeRequest } from '../../src/compose/composer.ts';
import type { Draft } from '../../src/compose/draft.ts';
import { silentLogger } from '../../src/log.ts';
import { cachedComposer, keyvLlmCache, openLlmCache } from '../../src/store/keyv-llm-cache.ts';
import { briefRequest } from '../compose/fixtures.ts';

const draft: Draft = { claims: [{ text: 'A point.', citations: ['a#0'] }], composedBy: 'llm', notices: [] };

/** A composer that counts its calls, answers after `delayMs`, and keys requests by their question. */
function countingComposer(delayMs = 0): Composer & { calls: number } {
  const composer = {
    name: 'llm' as const,
    label: 'model-a',
    calls: 0,
    cacheKey: (request: ComposeRequest) => `model-a\n${request.question ?? ''}`,
    async compose() {
      composer.calls++;
      await new Promise((done) => setTimeout(done, delayMs));
      return structuredClone(draft);
    },
  };
  return composer;
}
const memoryCache = (ttl?: number) => keyvLlmCache(new Keyv({ namespace: 'llm-cache', ...(ttl ? { ttl } : {}) }), silentLogger());

describe('LLM cache', () => {
  it('answers an identical request from the cache without calling the model', async () => {
    const inner = countingComposer();
    const composer = cachedComposer(inner, memoryCache());
    expect(await composer.compose(briefRequest)).toEqual(draft);
    expect(await composer.compose(briefRequest)).toEqual(draft);
    expect(inner.calls).toBe(1);
  });

  it('calls the model again for a different prompt', async () => {
    const inner = countingComposer();
    const composer = cachedComposer(inner, memoryCache());
    await composer.compose({ ...briefRequest, question: 'one' });
    await composer.compose({ ...briefRequest, question: 'two' });
    expect(inner.calls).toBe(2);
  });

  it('lets concurrent identical requests share one model call', async () => {
    const inner = countingComposer(50);
    const composer = cachedComposer(inner, memoryCache());
    const drafts = await Promise.all([1, 2, 3, 4].map(() => composer.compose(briefRequest)));
    expect(inner.calls).toBe(1);
    expect(drafts.every((d) => d.claims[0]?.text === 'A point.')).toBe(true);
  });

  it('gives every caller its own copy, so one caller adding a notice does not change another', async () => {
    const composer = cachedComposer(countingComposer(20), memoryCache());
    const [a, b] = await Promise.all([composer.compose(briefRequest), composer.compose(briefRequest)]);
    a.notices.push('only for a');
    expect(b.notices).toEqual([]);
  });

  it('calls the model again once the TTL has passed', async () => {
    const inner = countingComposer();
    const composer = cachedComposer(inner, memoryCache(30));
    await composer.compose(briefRequest);
    await new Promise((done) => setTimeout(done, 60));
    await composer.compose(briefRequest);
    expect(inner.calls).toBe(2);
  });

  it('does not cache a failure', async () => {
    let calls = 0;
    const failing: Composer = { name: 'llm', label: 'm', compose: async () => { calls++; throw new Error('boom'); } };
    const composer = cachedComposer(failing, memoryCache());
    await expect(composer.compose(briefRequest)).rejects.toThrow('boom');
    await expect(composer.compose(briefRequest)).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });

  it('treats an unreadable cached record as a miss', async () => {
    const keyv = new Keyv({ namespace: 'llm-cache' });
    const cache = keyvLlmCache(keyv, silentLogger());
    await keyv.set('k', { claims: 'not a list' });
    expect(await cache.get('k')).toBeUndefined();
  });

  it('is switched off when LLM_CACHE_TTL_MINUTES is 0', () => {
    expect(openLlmCache({ STORE_URL: 'sqlite:///nowhere/x.sqlite', LLM_CACHE_TTL_MINUTES: 0 }, silentLogger())).toBeNull();
  });
});
