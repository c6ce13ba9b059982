import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { silentLogger } from '../../src/log.ts';
import { metrics } from '../../src/ops/metrics.ts';
import { keyvLlmCache } from '../../src/store/keyv-llm-cache.ts';
import { tempApp } from '../support/temp-app.ts';

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };
const sum = (values: Sample[], labels: Record<string, string>, name?: string) =>
  values.filter((v) => (!name || v.metricName === name) && Object.entries(labels).every(([key, value]) => v.labels[key] === value)).reduce((total, v) => total + v.value, 0);

describe('what the core records in the metrics', () => {
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => ({ app, close } = await tempApp()));
  afterAll(() => close());

  it('counts every model-cache lookup as a hit or a miss', async () => {
    const cache = keyvLlmCache(new Keyv<unknown>({ namespace: 'llm-cache' }), silentLogger());
    const before = { hit: sum((await metrics.llmCache.get()).values, { result: 'hit' }), miss: sum((await metrics.llmCache.get()).values, { result: 'miss' }) };
    await cache.get('k');
    await cache.set('k', { claims: [{ text: 'A point.', citations: ['a#0'] }], composedBy: 'llm', notices: [] });
    await cache.get('k');
    await cache.get('k');
    const values = (await metrics.llmCache.get()).values;
    expect({ hit: sum(values, { result: 'hit' }) - before.hit, miss: sum(values, { result: 'miss' }) - before.miss }).toEqual({ hit: 2, miss: 1 });
  });

  it('times each brief and answer by kind and by who wrote it', async () => {
    const count = async (kind: string) => sum((await metrics.composeSeconds.get()).values, { kind, mode: 'extractive' }, 'briefing_compose_seconds_count');
    const before = { brief: await count('brief'), ask: await count('ask') };
    await app.brief({ topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' });
    await app.ask({ question: 'When did Xi visit Pyongyang?' });
    await app.brief({ topic: 'atlantis' }); // a failure is not a composition
    expect({ brief: (await count('brief')) - before.brief, ask: (await count('ask')) - before.ask }).toEqual({ brief: 1, ask: 1 });
  });
});
