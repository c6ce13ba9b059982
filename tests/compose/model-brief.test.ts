import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, sourceBlocks, startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';
import { tempApp } from '../support/temp-app.ts';

/** The app as configured with a model: the real openai SDK against the loopback double. */
describe('briefs written by a model', () => {
  let double: OpenAiDouble;
  let harness: Awaited<ReturnType<typeof tempApp>>;
  beforeAll(async () => {
    double = await startOpenAiDouble();
    harness = await tempApp({
      OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, BRIEF_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_SECONDS: '2', LLM_CACHE_TTL_MINUTES: '0',
    });
  });
  afterAll(async () => {
    await harness.close();
    await double.close();
  });
  const brief = async () => {
    const result = await harness.app.brief({ topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' });
    if (!result.ok) throw new Error(result.error.code);
    return result.value;
  };

  it('labels the brief llm with the model and the verification counts, every point found in its sources', async () => {
    const result = await brief();
    expect(result).toMatchObject({ mode: 'llm', model: 'test-model', verification: { dropped: 0 } });
    expect(result.verification?.supported).toBe(result.points.length);
    for (const point of result.points) {
      const cited = point.citations.map((n) => result.sources.find((source) => source.n === n)?.passage ?? '');
      expect(cited.some((passage) => passage.includes(point.text))).toBe(true);
    }
  });

  it('drops a hallucinated point, counts it, and keeps the supported ones', async () => {
    const invented = 'Xi Jinping and Kim Jong Un agreed on March 29, 2018 to build a nuclear plant in Sinuiju for $4 billion.';
    double.script(reply.carefulPlus({ text: invented, citations: [1] }));
    const result = await brief();
    expect(result.mode).toBe('llm');
    expect(result.points.map((point) => point.text)).not.toContain(invented);
    expect(result.points.length).toBeGreaterThan(0);
    expect(result.verification).toMatchObject({ dropped: 1 });
    expect(result.verification?.reasons.join(' ')).toMatch(/point \d+/);
    expect(result.notices.join(' ')).toContain('1 of');
  });

  it('falls back to the extractive brief and says so when the key is refused (401)', async () => {
    double.script(reply.unauthorized());
    const result = await brief();
    expect(result.mode).toBe('extractive');
    expect(result.notices[0]).toBe('The model rejected the API key (401); showing the offline extractive brief instead.');
    expect(result.points.length).toBeGreaterThanOrEqual(3);
  });

  it('still answers "not found" without asking the model to guess', async () => {
    const before = double.chatPrompts().length;
    const result = await harness.app.ask({ question: 'did china give pandas to the pyongyang zoo', topic: 'china-dprk' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.points).toEqual([]);
    expect(double.chatPrompts().length).toBe(before);
  });

  it('gives the model the sources as numbered blocks', async () => {
    await brief();
    expect(sourceBlocks(double.chatPrompts().at(-1) ?? '').length).toBeGreaterThanOrEqual(3);
  });
});
