import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from '../../src/retrieval/rrf.ts';

describe('reciprocal rank fusion', () => {
  it('scores each id 1/(60 + rank) per list it appears in', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['b', 'c']]);
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
  });

  it('ranks an id both lists found above one that tops a single list', () => {
    expect(reciprocalRankFusion([[1, 2, 3, 4, 5], [9, 8, 7, 6, 5]])[0]?.id).toBe(5);
  });

  it('counts an id listed twice in one list once, at its better rank', () => {
    expect(reciprocalRankFusion([['a', 'a']])).toEqual([{ id: 'a', score: 1 / 61 }]);
  });

  it('breaks an exact tie by the better single rank, then by id', () => {
    expect(reciprocalRankFusion([['x', 'y'], ['y', 'x']], 60).map((f) => f.id)).toEqual(['x', 'y']);
  });

  it('returns the other list when one is empty', () => {
    expect(reciprocalRankFusion([[], [3, 1]]).map((f) => f.id)).toEqual([3, 1]);
  });
});
