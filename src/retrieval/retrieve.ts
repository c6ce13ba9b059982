import type { Hit } from '../model.ts';
import type { ArticleStore } from '../store/article-store.ts';
import { toDay } from './bm25-index.ts';
import type { Bm25Searcher, QueryTerm, Scored, SearchFilter } from './bm25-searcher.ts';
import type { DenseIndex } from './dense-index.ts';
import { fuseWithDense } from './hybrid.ts';
import { hammingDistance } from './simhash.ts';

export type RetrieveOptions = {
  k: number;
  filter?: SearchFilter;
  /** Recency is measured from here (the end of the requested period, or today). */
  now: Date;
  halfLifeDays: number;
  /** How much a brand-new passage gains over an old one: score × (1 + recencyWeight) at age 0. */
  recencyWeight?: number;
  /** Hybrid retrieval: the passages nearest this query vector are fused with the BM25 candidates (RRF). */
  dense?: { index: DenseIndex; queryVector: Float32Array } | undefined;
};

/** Passages whose SimHashes differ in at most this many of 64 bits are copies of one text. */
const NEAR_DUPLICATE_BITS = 3;
/** Each further passage from an article already chosen keeps this share of its score. */
const SAME_ARTICLE_FACTOR = 0.3;
const CANDIDATES_PER_RESULT = 4;
/**
 * The first search asks for this many per result (rounded up); most answers never reach further down
 * (see diversifyTop). 1.5 answered every bench query without the deep search and was 10–15% faster
 * at p95 than 2; at 1 (k + 1 candidates) about 5% of queries needed the deep search as well.
 */
const FIRST_CANDIDATES_PER_RESULT = 1.5;
const DEFAULT_RECENCY_WEIGHT = 0.3;

/** Drops wire copies (keeping the better-scored one), then picks greedily with a same-article penalty. */
export function diversify(searcher: Bm25Searcher, candidates: readonly Scored[], k: number): Scored[] {
  return pick(searcher, candidates, k).chosen;
}

/** diversify(), and the penalised score each pick won with. */
function pick(searcher: Bm25Searcher, candidates: readonly Scored[], k: number): { chosen: Scored[]; won: number[] } {
  const { docSimHi, docSimLo, docArticle } = searcher.data;
  const distinct: Scored[] = [];
  for (const candidate of candidates) {
    const copy = distinct.some(
      (kept) =>
        hammingDistance(docSimHi[kept.doc]!, docSimLo[kept.doc]!, docSimHi[candidate.doc]!, docSimLo[candidate.doc]!) <= NEAR_DUPLICATE_BITS,
    );
    if (!copy) distinct.push(candidate);
  }
  const chosen: Scored[] = [];
  const won: number[] = [];
  const perArticle = new Map<number, number>();
  const pool = [...distinct];
  while (chosen.length < k && pool.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    pool.forEach((candidate, index) => {
      const adjusted = candidate.score * SAME_ARTICLE_FACTOR ** (perArticle.get(docArticle[candidate.doc]!) ?? 0);
      if (adjusted > bestScore) {
        bestScore = adjusted;
        best = index;
      }
    });
    const [picked] = pool.splice(best, 1);
    if (!picked) break;
    chosen.push(picked);
    won.push(bestScore);
    const article = docArticle[picked.doc]!;
    perArticle.set(article, (perArticle.get(article) ?? 0) + 1);
  }
  return { chosen, won };
}

/**
 * diversify() of the top CANDIDATES_PER_RESULT × k, usually from a shallower search: a smaller
 * k lets the pruned search skip more. The shallow answer is the deep one whenever every pick won with
 * a score at least that of the best passage below the shallow set: such a passage, and every one
 * under it, scores no more than that even before any penalty, dedupe never lets a later candidate
 * remove an earlier one, and on a tie the earlier candidate wins. Otherwise the deep search runs.
 */
function diversifyTop(searcher: Bm25Searcher, search: (count: number) => Scored[], k: number): Scored[] {
  const shallow = Math.ceil(FIRST_CANDIDATES_PER_RESULT * k);
  const probe = search(shallow + 1);
  // Fewer passages than asked for match at all: the deep search would find the same ones.
  if (probe.length <= shallow) return diversify(searcher, probe, k);
  const below = probe[shallow]!.score;
  const { chosen, won } = pick(searcher, probe.slice(0, shallow), k);
  if (chosen.length === k && won.every((score) => score >= below)) return chosen;
  return diversify(searcher, search(CANDIDATES_PER_RESULT * k), k);
}

/** The full path: BM25 with filters and recency, copies collapsed, diversity, then passages from the store. */
export async function retrieve(deps: { searcher: Bm25Searcher; store: ArticleStore }, terms: readonly QueryTerm[], options: RetrieveOptions): Promise<Hit[]> {
  const { searcher, store } = deps;
  const recency = { nowDay: toDay(options.now), halfLifeDays: options.halfLifeDays, weight: options.recencyWeight ?? DEFAULT_RECENCY_WEIGHT };
  const search = (count: number) => searcher.search(terms, count, options.filter, recency);
  const { dense } = options;
  // Fused candidates are ranked by RRF, not by score, so diversifyTop's check does not apply to them.
  const chosen = dense
    ? diversify(searcher, fuseWithDense(searcher, search(options.k * CANDIDATES_PER_RESULT), dense.index, dense.queryVector, options.filter ?? {}), options.k)
    : diversifyTop(searcher, search, options.k);
  const articleIds = [...new Set(chosen.map((scored) => searcher.data.articleIds[searcher.data.docArticle[scored.doc]!]!))];
  const stored = new Map((await store.getMany(articleIds)).flatMap((entry) => (entry ? [[entry.article.id, entry] as const] : [])));
  const hits: Hit[] = [];
  for (const scored of chosen) {
    const entry = stored.get(searcher.data.articleIds[searcher.data.docArticle[scored.doc]!]!);
    const passage = entry?.passages[searcher.data.docOrdinal[scored.doc]!];
    // A passage missing from the store means the index is older than the store; skip rather than cite it.
    if (!entry || !passage) continue;
    hits.push({ passage, article: entry.article, score: scored.score, parts: { lexical: scored.lexical, recency: scored.recency } });
  }
  return hits;
}
