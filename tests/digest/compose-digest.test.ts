// What a digest says: the developments published inside its window, never older news; a quiet window says so;
// with a model, the digest prompt in the subscription's language, falling back to the extractive digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';
import { tempApp } from '../support/temp-app.ts';

const WEEK = { since: new Date('2026-04-06T12:00:00Z'), until: new Date('2026-04-13T12:00:00Z') };

describe('digest content', () => {
  let offline: Awaited<ReturnType<typeof tempApp>>;
  let withModel: Awaited<ReturnType<typeof tempApp>>;
  let double: OpenAiDouble;
  beforeAll(async () => {
    double = await startOpenAiDouble();
    [offline, withModel] = await Promise.all([
      tempApp(),
      tempApp({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, BRIEF_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_SECONDS: '2', LLM_CACHE_TTL_MINUTES: '0' }),
    ]);
  });
  afterAll(async () => {
    await offline.close();
    await withModel.close();
    await double.close();
  });

  it('cites only articles published inside the window, as developments', async () => {
    const result = await offline.app.digest({ topic: 'china-dprk', ...WEEK, language: 'en' });
    if (!result.ok) throw new Error(result.error.code);
    const { brief, quiet, articles } = result.value;
    expect(quiet).toBe(false);
    expect(brief.period).toEqual({ since: '2026-04-06', until: '2026-04-13' });
    expect(brief.points.length).toBeGreaterThan(0);
    expect(brief.points.length).toBeLessThanOrEqual(5);
    // Several outlets reporting one visit make fewer points than articles.
    expect(brief.points.length).toBeLessThan(articles);
    for (const source of brief.sources) expect(source.publishedAt >= '2026-04-06' && source.publishedAt <= '2026-04-13').toBe(true);
  });

  it('an instant after the window is not in it: (since, until] holds each article in exactly one window', async () => {
    const before = await offline.app.digest({ topic: 'china-dprk', since: new Date('2026-04-03T12:00:00Z'), until: new Date('2026-04-10T00:00:00Z'), language: 'en' });
    const after = await offline.app.digest({ topic: 'china-dprk', since: new Date('2026-04-10T00:00:00Z'), until: new Date('2026-04-17T00:00:00Z'), language: 'en' });
    if (!before.ok || !after.ok) throw new Error('digest failed');
    const ids = (digest: typeof before.value) => digest.brief.sources.map((source) => source.articleId);
    expect(ids(before.value).filter((id) => ids(after.value).includes(id))).toEqual([]);
  });

  it('a window with no reporting is quiet, with one line and no older news', async () => {
    const result = await offline.app.digest({ topic: 'china-dprk', since: new Date('2026-06-01T00:00:00Z'), until: new Date('2026-06-08T00:00:00Z'), language: 'en' });
    expect(result).toMatchObject({ ok: true, value: { quiet: true, articles: 0, brief: { points: [], sources: [], notices: ['No new reporting on China–DPRK relations between 2026-06-01 and 2026-06-08.'] } } });
  });

  it('refuses an unknown topic and an empty window', async () => {
    expect(await offline.app.digest({ topic: 'nope', ...WEEK, language: 'en' })).toMatchObject({ ok: false, error: { code: 'unknown-topic' } });
    expect(await offline.app.digest({ topic: 'china-dprk', since: WEEK.until, until: WEEK.since, language: 'en' })).toMatchObject({ ok: false, error: { code: 'bad-period' } });
  });

  it('with a model: the digest prompt in the subscription language, and the extractive digest when the model fails', async () => {
    const result = await withModel.app.digest({ topic: 'china-dprk', ...WEEK, language: 'ko' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.brief).toMatchObject({ mode: 'llm', model: 'test-model' });
    const prompt = double.chatPrompts().at(-1) ?? '';
    expect(prompt).toMatch(/digest of what is new/);
    expect(prompt).toMatch(/Korean/);

    double.script(reply.unauthorized());
    const fallback = await withModel.app.digest({ topic: 'china-dprk', ...WEEK, language: 'ko' });
    if (!fallback.ok) throw new Error(fallback.error.code);
    expect(fallback.value.brief.mode).toBe('extractive');
    expect(fallback.value.brief.notices.join(' ')).toMatch(/401/);
    expect(fallback.value.brief.points.length).toBeGreaterThan(0);
  });
});
