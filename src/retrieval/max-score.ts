import { TopK } from './top-k.ts';

/**
 * One posting list as the pruned search reads it: passages in ascending order, each contributing
 * `scale × weights[i]`, never more than `bound`. A query term is its own list (scale = idf × weight);
 * a group of synonyms is one merged list (scale 1, see merged-lists.ts).
 */
export type ScoredList = { docs: Int32Array; weights: Float32Array; scale: number; bound: number };

/** What a passage's score is multiplied by, per article (recency), and which articles may match at all. */
export type ArticleGate = { docArticle: Int32Array; accepted: Uint8Array | undefined; factors: Float64Array | undefined; maxFactor: number };

/** Relative slack on score bounds: float sums taken in another order differ by far less than this. */
export const SLACK = 1e-5;
const END = 0x7fffffff;

/** The first position in [at, end) whose doc is ≥ doc: doubling steps, then a binary search of the last one. */
export function gallop(docs: Int32Array, at: number, end: number, doc: number): number {
  if (at >= end || docs[at]! >= doc) return at;
  let lo = at;
  let step = 1;
  while (lo + step < end && docs[lo + step]! < doc) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, end);
  lo += 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid]! < doc) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Document-at-a-time MaxScore. Lists are ordered by bound; once the k-th best score so far beats
 * what the lowest lists could give together, those lists stop proposing passages ("non-essential")
 * and are only probed, highest bound first, for passages the others propose, and only while the
 * passage can still reach the k-th score. Many weak terms (synonyms, common words) then cost a probe
 * for a few passages instead of a walk through all their postings.
 *
 * Returns, in doc order, every passage that may be in the top k: its exact score is for the caller to
 * compute (terms in query order), since this one sums in another order. Any passage left out scores
 * below k others by more than SLACK, so the exact top k is always among those returned.
 */
export function maxScoreCandidates(input: readonly ScoredList[], k: number, gate: ArticleGate): Int32Array {
  const lists = [...input].sort((a, b) => a.bound - b.bound);
  const n = lists.length;
  const at = new Int32Array(n);
  // below[t]: the most lists[0…t−1] can add to one passage.
  const below = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) below[t + 1] = below[t]! + lists[t]!.bound;
  const { docArticle, accepted, factors, maxFactor } = gate;
  const heap = new TopK(k);
  const kept: number[] = [];
  const keptScores: number[] = [];
  let bar = -Infinity; // the k-th best score so far, less the slack
  let first = 0; // lists[first…] are essential

  const nextEssential = () => {
    let next = END;
    for (let t = first; t < n; t++) if (at[t]! < lists[t]!.docs.length) next = Math.min(next, lists[t]!.docs[at[t]!]!);
    return next;
  };
  let doc = nextEssential();
  while (doc !== END) {
    let score = 0;
    let next = END;
    for (let t = first; t < n; t++) {
      const list = lists[t]!;
      let p = at[t]!;
      if (p >= list.docs.length) continue;
      let d = list.docs[p]!;
      if (d === doc) {
        score += list.scale * list.weights[p]!;
        at[t] = ++p;
        d = p < list.docs.length ? list.docs[p]! : END;
      }
      if (d < next) next = d;
    }
    const article = docArticle[doc]!;
    if (!accepted || accepted[article] === 1) {
      const factor = factors ? factors[article]! : 1;
      let reachable = true;
      for (let t = first - 1; t >= 0; t--) {
        if ((score + below[t + 1]!) * factor * (1 + SLACK) < bar) {
          reachable = false;
          break;
        }
        const list = lists[t]!;
        const p = gallop(list.docs, at[t]!, list.docs.length, doc);
        at[t] = p;
        if (p < list.docs.length && list.docs[p] === doc) score += list.scale * list.weights[p]!;
      }
      const total = score * factor;
      if (reachable && total * (1 + SLACK) >= bar) {
        heap.push(doc, total);
        kept.push(doc);
        keptScores.push(total);
        if (heap.threshold * (1 - SLACK) > bar) {
          bar = heap.threshold * (1 - SLACK);
          const was = first;
          while (first < n && below[first + 1]! * maxFactor * (1 + SLACK) < bar) first++;
          if (first !== was) next = nextEssential();
        }
      }
    }
    doc = next;
  }
  const out: number[] = [];
  for (let c = 0; c < kept.length; c++) if (keptScores[c]! * (1 + SLACK) >= bar) out.push(kept[c]!);
  return Int32Array.from(out); // kept in doc order: passages are proposed in ascending order
}
