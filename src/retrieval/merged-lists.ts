import type { ScoredList } from './max-score.ts';

/** One term of a group: its id in the index and the weight its postings are multiplied by (idf × query weight). */
export type GroupMember = { id: number; termWeight: number };

type Postings = { termOffsets: Int32Array; postingDocs: Int32Array; postingWeights: Float32Array; passages: number };

/**
 * Merged lists cost memory (8 bytes a posting); this many postings are kept at most, least recently
 * used first out. 4M postings is 32 MB, room for every synonym group of a 1M-passage index in use.
 */
const BUDGET_POSTINGS = 4_000_000;

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

  constructor(private readonly index: Postings) {}

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
      if (this.postings <= BUDGET_POSTINGS || old === list) break;
      this.cache.delete(oldKey);
      this.postings -= old.docs.length;
    }
    return list;
  }

  private merge(members: readonly GroupMember[]): ScoredList {
    const { termOffsets, postingDocs, postingWeights, passages } = this.index;
    const sums = (this.scratch ??= new Float64Array(passages));
    const seen: number[] = [];
    for (const { id, termWeight } of members) {
      for (let at = termOffsets[id]!, end = termOffsets[id + 1]!; at < end; at++) {
        const doc = postingDocs[at]!;
        if (sums[doc] === 0) seen.push(doc);
        sums[doc]! += termWeight * postingWeights[at]!;
      }
    }
    const docs = Int32Array.from(seen).sort();
    const weights = new Float32Array(docs.length);
    let bound = 0;
    for (let c = 0; c < docs.length; c++) {
      const doc = docs[c]!;
      weights[c] = sums[doc]!;
      bound = Math.max(bound, weights[c]!, sums[doc]!);
      sums[doc] = 0;
    }
    return { docs, weights, scale: 1, bound };
  }
}
