import type { ScoredList } from './max-score.ts';

/** One term of a group: its id in the index and the weight its postings are multiplied by (idf × query weight). */
export type GroupMember = { id: number; termWeight: number };

type Postings = { termOffsets: Int32Array; postingDocs: Int32Array; postingWeights: Float32Array; passages: number };

/**
 * Merged lists cost memory (8 bytes a posting). They are kept up to an eighth of the index's postings
 * (at least 4M, 32 MB), least recently used first out: at 1M passages a synonym group merges to a few
 * hundred thousand postings, and a budget that holds only a handful would merge them again and again.
 */
const MIN_BUDGET_POSTINGS = 4_000_000;
const BUDGET_SHARE_OF_INDEX = 1 / 8;

/**
 * A group of weak terms (a word's synonyms) merged into one list: each passage once, with the sum of
 * the group's contributions to it. Its bound is that sum's maximum, well under the sum of the terms'
 * own bounds (few passages hold every synonym at its peak), and the pruned search walks or probes one
 * list instead of one per synonym. Only pruning reads it; exact scores come from the terms themselves.
 *
 * Kept per (terms, weights): the same synonyms come back with every question about visits or trade.
 */
export class MergedLists {
  private readonly cache = new Map<string, ScoredList>();
  private postings = 0;
  private scratch: Float64Array | undefined;
  private readonly budget: number;

  constructor(private readonly index: Postings) {
    this.budget = Math.max(MIN_BUDGET_POSTINGS, index.postingDocs.length * BUDGET_SHARE_OF_INDEX);
  }

  get(members: readonly GroupMember[]): ScoredList {
    const key = members.map(({ id, termWeight }) => `${id}:${termWeight}`).join(',');
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key); // re-inserted: a Map iterates in insertion order, so the first entry is the oldest
      this.cache.set(key, cached);
      return cached;
    }
    const list = this.merge(members);
    this.cache.set(key, list);
    this.postings += list.docs.length;
    for (const [oldKey, old] of this.cache) {
      if (this.postings <= this.budget || old === list) break;
      this.cache.delete(oldKey);
      this.postings -= old.docs.length;
    }
    return list;
  }

  /** Sums into a scratch array over all passages, then reads it in order: no sort, linear in the postings and the span they cover. */
  private merge(members: readonly GroupMember[]): ScoredList {
    const { termOffsets, postingDocs, postingWeights, passages } = this.index;
    const sums = (this.scratch ??= new Float64Array(passages));
    let first = passages;
    let last = -1;
    let postings = 0;
    for (const { id, termWeight } of members) {
      const start = termOffsets[id]!;
      const end = termOffsets[id + 1]!;
      if (start === end) continue;
      first = Math.min(first, postingDocs[start]!);
      last = Math.max(last, postingDocs[end - 1]!);
      postings += end - start;
      for (let at = start; at < end; at++) sums[postingDocs[at]!]! += termWeight * postingWeights[at]!;
    }
    const docs = new Int32Array(postings);
    const weights = new Float32Array(postings);
    let count = 0;
    let bound = 0;
    for (let doc = first; doc <= last; doc++) {
      const sum = sums[doc]!;
      if (sum === 0) continue;
      docs[count] = doc;
      weights[count] = sum;
      bound = Math.max(bound, sum, weights[count++]!);
      sums[doc] = 0;
    }
    return { docs: docs.slice(0, count), weights: weights.slice(0, count), scale: 1, bound };
  }
}
