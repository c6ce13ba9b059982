import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { metrics } from '../../src/ops/metrics.ts';
import { keyvTokenBudget } from '../../src/store/keyv-token-budget.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';
import { startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';
import { tempApp } from '../support/temp-app.ts';

const counter = async (metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }, labels: Record<string, string>) =>
  (await metric.get()).values.filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value)).reduce((sum, v) => sum + v.value, 0);

describe('daily token budget in Keyv', () => {
  it("counts each server's tokens per UTC day, under `${guildId}:${day}` with a two-day TTL", async () => {
    let now = new Date('2026-03-01T23:59:00Z');
    const keyv = new Keyv<unknown>({ namespace: 'token-budget' });
    const budget = keyvTokenBudget(keyv, 1000, () => now);
    await budget.spend('g1', 600);
    await budget.spend('g1', 300);
    await budget.spend('g2', 5);
    expect(await budget.used('g1')).toBe(900);
    expect(await budget.allows('g1')).toBe(true);
    await budget.spend('g1', 100);
    expect(await budget.allows('g1')).toBe(false);
    const raw = (await keyv.get('g1:2026-03-01', { raw: true })) as { value: unknown; expires?: number } | undefined;
    expect(raw?.value).toBe(1000);
    expect((raw?.expires ?? 0) - Date.now()).toBeGreaterThan(47 * 3_600_000);

    now = new Date('2026-03-02T00:00:00Z'); // 00:00 UTC: a new day, a new budget
    expect(await budget.allows('g1')).toBe(true);
    expect(await budget.used('g1')).toBe(0);
  });

  it('loses no tokens when calls for one server finish at the same time', async () => {
    const budget = keyvTokenBudget(new Keyv<unknown>({ namespace: 'token-budget' }), 10_000, () => new Date('2026-03-01T12:00:00Z'));
    await Promise.all(Array.from({ length: 20 }, () => budget.spend('g1', 7)));
    expect(await budget.used('g1')).toBe(140);
  });

  it('reads a damaged count as nothing used', async () => {
    const keyv = new Keyv<unknown>({ namespace: 'token-budget' });
    await keyv.set('g1:2026-03-01', 'lots');
    expect(await keyvTokenBudget(keyv, 10, () => new Date('2026-03-01T12:00:00Z')).used('g1')).toBe(0);
  });
});

/** The app as configured with a model and GUILD_DAILY_TOKEN_BUDGET: the real openai SDK against the loopback double. */
describe('GUILD_DAILY_TOKEN_BUDGET', () => {
  let double: OpenAiDouble;
  let harness: Awaited<ReturnType<typeof tempApp>>;
  beforeAll(async () => {
    double = await startOpenAiDouble();
    harness = await tempApp({
      OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, BRIEF_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_SECONDS: '5',
      LLM_CACHE_TTL_MINUTES: '0', GUILD_DAILY_TOKEN_BUDGET: '1',
    });
  });
  afterAll(async () => {
    await harness.close();
    await double.close();
  });
  const brief = async (guildId?: string) => {
    const result = await harness.app.brief({ topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31', ...(guildId ? { guildId } : {}) });
    if (!result.ok) throw new Error(result.error.code);
    return result.value;
  };

  it('makes briefs extractive, with a notice, once a server has used its tokens for the day; other servers and the CLI keep the model', async () => {
    const tokensBefore = await counter(metrics.llmTokens, { direction: 'in' });
    expect(await brief('300000000000000001')).toMatchObject({ mode: 'llm' });
    const tokensIn = (await counter(metrics.llmTokens, { direction: 'in' })) - tokensBefore;
    expect(tokensIn).toBeGreaterThan(0);

    const calls = double.chatPrompts().length;
    const spent = await brief('300000000000000001');
    expect(spent.mode).toBe('extractive');
    expect(spent.notices[0]).toBe("This server has used today's model budget; this brief is extractive until 00:00 UTC.");
    expect(spent.points.length).toBeGreaterThanOrEqual(3);
    expect(double.chatPrompts().length).toBe(calls);

    expect(await brief('300000000000000002')).toMatchObject({ mode: 'llm' });
    expect(await brief()).toMatchObject({ mode: 'llm' });
  });

  it("keeps each server's count in the store's token-budget namespace, by UTC day", async () => {
    const keyv = openKeyv<unknown>(harness.config.STORE_URL, 'token-budget', silentLogger());
    const day = new Date().toISOString().slice(0, 10);
    expect(await keyv.get(`300000000000000002:${day}`)).toBeGreaterThan(0);
    await keyv.disconnect();
  });
});
