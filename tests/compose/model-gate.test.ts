import { describe, expect, it } from 'vitest';
import { fixedComposer, type Composer } from '../../src/compose/composer.ts';
import type { FallbackReason } from '../../src/compose/compose-error.ts';
import { gatedComposer, gatedCondenser, modelGate, type TokenBudget } from '../../src/compose/model-gate.ts';
import { modelQueue } from '../../src/compose/model-queue.ts';
import { withFallback } from '../../src/compose/with-fallback.ts';
import { silentLogger } from '../../src/log.ts';
import { briefRequest, extractiveDraft } from './fixtures.ts';

/** A budget in memory: `limit` tokens per guild, counting what was spent. */
function memoryBudget(limit: number): TokenBudget & { spent: Map<string, number> } {
  const spent = new Map<string, number>();
  return {
    spent,
    allows: async (guildId) => (spent.get(guildId) ?? 0) < limit,
    spend: async (guildId, tokens) => void spent.set(guildId, (spent.get(guildId) ?? 0) + tokens),
  };
}

/** A model that reports 100 tokens in and 20 out per call, and writes the extractive draft as its own. */
function model(): Composer & { calls: number } {
  const composer = {
    name: 'llm' as const,
    label: 'test-model',
    calls: 0,
    compose: async (_request: unknown, options: { onUsage?: (usage: { in: number; out: number }) => void } = {}) => {
      composer.calls++;
      options.onUsage?.({ in: 100, out: 20 });
      return { ...structuredClone(extractiveDraft), composedBy: 'llm' as const };
    },
  };
  return composer;
}

const log = silentLogger();

describe('model gate', () => {
  it("counts the model's reported tokens (in + out) against the asking server's budget", async () => {
    const budget = memoryBudget(1000);
    const inner = model();
    const composer = gatedComposer(inner, modelGate({ queue: modelQueue({ concurrency: 1, maxWaiting: 1 }), budget, log }));
    await composer.compose(briefRequest, { guildId: 'g1' });
    await composer.compose(briefRequest, { guildId: 'g1' });
    await composer.compose(briefRequest, { guildId: 'g2' });
    expect(Object.fromEntries(budget.spent)).toEqual({ g1: 240, g2: 120 });
  });

  it('refuses a server over its budget with ComposeError("over-budget") without calling the model, and lets others through', async () => {
    const budget = memoryBudget(100);
    const inner = model();
    const composer = gatedComposer(inner, modelGate({ queue: modelQueue({ concurrency: 1, maxWaiting: 1 }), budget, log }));
    await composer.compose(briefRequest, { guildId: 'g1' });
    await expect(composer.compose(briefRequest, { guildId: 'g1' })).rejects.toMatchObject({ code: 'over-budget' });
    expect(inner.calls).toBe(1);
    await composer.compose(briefRequest, { guildId: 'g2' });
    await composer.compose(briefRequest); // no server (the CLI): no budget
    expect(inner.calls).toBe(3);
  });

  it('lets the call through when the budget cannot be read', async () => {
    const broken: TokenBudget = { allows: () => Promise.reject(new Error('The client is offline')), spend: () => Promise.reject(new Error('The client is offline')) };
    const inner = model();
    const composer = gatedComposer(inner, modelGate({ queue: modelQueue({ concurrency: 1, maxWaiting: 1 }), budget: broken, log }));
    expect((await composer.compose(briefRequest, { guildId: 'g1' })).composedBy).toBe('llm');
  });

  it('gives the reader the extractive brief with the busy notice when the line is full, and says why to onFallback', async () => {
    let release = () => {};
    const slow: Composer = { name: 'llm', label: 'test-model', compose: () => new Promise((done) => { release = () => done({ ...extractiveDraft, composedBy: 'llm' }); }) };
    const gate = modelGate({ queue: modelQueue({ concurrency: 1, maxWaiting: 0 }), log });
    const composer = withFallback(gatedComposer(slow, gate), fixedComposer(extractiveDraft), log);
    const first = composer.compose(briefRequest);
    const reasons: FallbackReason[] = [];
    const turnedAway = await composer.compose(briefRequest, { onFallback: (reason) => reasons.push(reason) });
    expect(turnedAway.composedBy).toBe('extractive');
    expect(turnedAway.notices).toMatchInlineSnapshot(`
      [
        "The model is busy; this is the extractive brief.",
      ]
    `);
    expect(reasons).toEqual(['busy']);
    release();
    expect((await first).composedBy).toBe('llm');
  });

  it('says the budget is spent, and until when, on the extractive brief and answer', async () => {
    const budget = memoryBudget(0);
    const composer = withFallback(gatedComposer(model(), modelGate({ queue: modelQueue({ concurrency: 1, maxWaiting: 1 }), budget, log })), fixedComposer(extractiveDraft), log);
    expect((await composer.compose(briefRequest, { guildId: 'g1' })).notices).toEqual(["This server has used today's model budget; this brief is extractive until 00:00 UTC."]);
    expect((await composer.compose({ ...briefRequest, kind: 'ask', question: 'q?' }, { guildId: 'g1' })).notices).toEqual([
      "This server has used today's model budget; this answer is extractive until 00:00 UTC.",
    ]);
  });

  it('condenses through the same line, and uses the question as asked when the line is full', async () => {
    let release = () => {};
    const queue = modelQueue({ concurrency: 1, maxWaiting: 0 });
    const gate = modelGate({ queue, log });
    const blocker = queue.run(() => new Promise<void>((done) => { release = done; }));
    const condense = gatedCondenser(async () => 'When did Kim Jong Un visit Dalian?', gate, log);
    expect(await condense('Q: When did Kim visit Beijing?', 'And Dalian?')).toBe('And Dalian?');
    release();
    await blocker;
    expect(await condense('Q: When did Kim visit Beijing?', 'And Dalian?')).toBe('When did Kim Jong Un visit Dalian?');
  });
});
