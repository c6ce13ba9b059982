/** Reciprocal rank fusion's constant: large enough that rank 1 does not drown out agreement further down (Cormack et al., 2009). */
export const RRF_K = 60;

/**
 * Fuses ranked lists (best first) by reciprocal rank: each list adds 1 / (k + rank) to every id it holds,
 * rank counted from 1. Scores need not be comparable across lists, which is why BM25 and cosine can be
 * fused this way. Ties go to the id with the better single rank, then to the lower id.
 */
export function reciprocalRankFusion<Id extends string | number>(lists: readonly (readonly Id[])[], k = RRF_K): { id: Id; score: number }[] {
  const fused = new Map<Id, { score: number; best: number }>();
  for (const list of lists) {
    const seen = new Set<Id>(); // an id listed twice counts at its better rank only
    list.forEach((id, index) => {
      if (seen.has(id)) return;
      seen.add(id);
      const entry = fused.get(id) ?? { score: 0, best: Infinity };
      entry.score += 1 / (k + index + 1);
      entry.best = Math.min(entry.best, index + 1);
      fused.set(id, entry);
    });
  }
  return [...fused]
    .map(([id, { score, best }]) => ({ id, score, best }))
    .sort((a, b) => b.score - a.score || a.best - b.best || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ id, score }) => ({ id, score }));
}
