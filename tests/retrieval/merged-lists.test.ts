import { describe, expect, it } from 'vitest';
import { MergedLists } from '../../src/retrieval/merged-lists.ts';

/**
 * The cache's budget is at least 4M postings, so these indexes are built large enough to pass it:
 * three terms of 2M postings each over 4M passages (≈ 50 MB of arrays, a few tens of ms to merge).
 * Lists are compared by identity through booleans: vitest would format a 2M-element list in its message.
 */
const PER_TERM = 2_000_000;
const PASSAGES = 2 * PER_TERM;

/** Term 0 holds the even passages, terms 1 and 2 the odd ones; weights are 1, 2 and 3. */
function index() {
  const termOffsets = Int32Array.from([0, PER_TERM, 2 * PER_TERM, 3 * PER_TERM]);
  const postingDocs = new Int32Array(3 * PER_TERM);
  const postingWeights = new Float32Array(3 * PER_TERM);
  for (let i = 0; i < PER_TERM; i++) {
    postingDocs[i] = 2 * i;
    postingDocs[PER_TERM + i] = 2 * i + 1;
    postingDocs[2 * PER_TERM + i] = 2 * i + 1;
    postingWeights[i] = 1;
    postingWeights[PER_TERM + i] = 2;
    postingWeights[2 * PER_TERM + i] = 3;
  }
  return { termOffsets, postingDocs, postingWeights, passages: PASSAGES };
}

describe('MergedLists', () => {
  const groupA = [{ id: 0, termWeight: 1 }, { id: 1, termWeight: 1 }]; // disjoint: 4M postings
  const groupB = [{ id: 1, termWeight: 0.5 }, { id: 2, termWeight: 0.5 }]; // the same odd passages: 2M
  const groupC = [{ id: 1, termWeight: 0.25 }, { id: 2, termWeight: 0.25 }];
  const groupD = [{ id: 1, termWeight: 0.125 }, { id: 2, termWeight: 0.125 }];

  it('merges a group into one doc-ordered list of summed contributions, bounded by the largest sum', () => {
    const merged = new MergedLists(index()).get(groupB);
    expect(merged.docs.length).toBe(PER_TERM);
    expect([...merged.docs.subarray(0, 3)]).toEqual([1, 3, 5]);
    expect(merged.weights[0]).toBe(0.5 * 2 + 0.5 * 3);
    expect(merged.bound).toBe(2.5);
    expect(merged.scale).toBe(1);
  });

  it('GIVEN the budget is full THEN the least recently used list goes first, and a list used again stays', () => {
    const lists = new MergedLists(index()); // budget: 4M postings (an eighth of 6M is less)
    const b = lists.get(groupB);
    const c = lists.get(groupC); // 4M postings held: at the budget, nothing goes
    expect(lists.get(groupB) === b).toBe(true); // B is now the most recently used
    lists.get(groupD); // 6M: C, the least recently used, goes
    expect(lists.get(groupB) === b).toBe(true);
    expect(lists.get(groupC) === c).toBe(false);
  });

  it('GIVEN one list fills the whole budget THEN every older list goes and that one stays', () => {
    const lists = new MergedLists(index());
    const b = lists.get(groupB);
    const a = lists.get(groupA); // 4M postings, the whole budget: B goes, A stays
    expect(a.docs.length).toBe(PASSAGES);
    expect(lists.get(groupA) === a).toBe(true);
    expect(lists.get(groupB) === b).toBe(false);
  });
});
