import { describe, expect, it } from 'vitest';
import { runEval, scoreRanking } from './evaluate.ts';

describe('dev evaluation set', () => {
  it('finds at least 80% of the expected articles in the top 5 (recall@5)', async () => {
    const report = await runEval();
    expect(report.questions).toBeGreaterThanOrEqual(30);
    expect(report.retrieval['lexical+aliases']?.recallAt5).toBeGreaterThanOrEqual(0.8);
  }, 60_000);

  it('scores a ranking with its relevant article second as MRR 0.5', () => {
    expect(scoreRanking(['a', 'b', 'c'], new Set(['b']))).toMatchObject({ recallAt5: 1, mrr: 0.5 });
  });
});
