import { beforeAll, describe, expect, it } from 'vitest';
import { memoryArticleStore } from '../../bench/memory-store.ts';
import { BENCH_NOW, syntheticArticles, syntheticQueries, toStored } from '../../bench/synthetic-corpus.ts';
import { loadTopics } from '../../src/topics/load-topics.ts';
import { topicMatcher, type TopicMatcher } from '../../src/topics/topic-matcher.ts';
import { toDay } from '../../src/retrieval/bm25-index.ts';
import { Bm25Searcher, type QueryTerm, type RecencyBoost, type SearchFilter } from '../../src/retrieval/bm25-searcher.ts';
import { buildIndexFromStore } from '../../src/retrieval/build-index.ts';
import { queryTerms, weighTerms } from '../../src/retrieval/query-terms.ts';
import { tokenize } from '../../src/retrieval/tokenize.ts';

/**
 * The pruned search (MaxScore, candidates galloped or read straight through) must return what scoring
 * every posting returns, to the bit: the same passages, in the same order, with the same scores. The
 * reference here is the exhaustive loop written out plainly: float32 sums in query order, × the
 * recency factor, the filter applied, best first and the lower passage number on a tie.
 */
function reference(searcher: Bm25Searcher, query: readonly QueryTerm[], k: number, filter: SearchFilter, recency?: RecencyBoost) {
  const { idf, termOffsets, postingDocs, postingWeights, docArticle, articleDay } = searcher.data;
  const scores = new Float32Array(docArticle.length);
  const matched = new Set<number>();
  for (const { term, weight } of query) {
    const id = searcher.data.terms.indexOf(term);
    if (id < 0) continue;
    for (let at = termOffsets[id]!; at < termOffsets[id + 1]!; at++) {
      scores[postingDocs[at]!]! += idf[id]! * weight * postingWeights[at]!;
      matched.add(postingDocs[at]!);
    }
  }
  const factor = (doc: number) => {
    if (!recency) return 1;
    const age = Math.max(0, recency.nowDay - articleDay[docArticle[doc]!]!);
    return 1 + recency.weight * 2 ** (-age / recency.halfLifeDays);
  };
  return [...matched]
    .filter((doc) => searcher.accepts(doc, filter))
    .map((doc) => ({ doc, score: scores[doc]! * factor(doc) }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, k);
}

describe('pruned BM25 search', () => {
  let searcher: Bm25Searcher;
  let matchers: TopicMatcher[];
  beforeAll(async () => {
    matchers = (await loadTopics('data/topics')).map(topicMatcher);
    const store = memoryArticleStore(syntheticArticles({ seed: 7, passages: 6_000 }).map(toStored));
    searcher = new Bm25Searcher(await buildIndexFromStore(store, matchers));
  });

  it('returns exactly what scoring every posting returns, for bare and alias-expanded queries, filters and recency', () => {
    const topicBit = searcher.data.topicSlugs.indexOf('china-dprk');
    const nowDay = toDay(BENCH_NOW);
    const variants: { k: number; filter: SearchFilter; recency?: RecencyBoost }[] = [
      { k: 10, filter: {} },
      { k: 40, filter: { topicBit }, recency: { nowDay, halfLifeDays: 180, weight: 0.1 } },
      { k: 40, filter: { sinceDay: nowDay - 3 * 365, untilDay: nowDay - 365 }, recency: { nowDay, halfLifeDays: 30, weight: 0.3 } },
      { k: 3, filter: { outlets: new Set([0, 1, 2]) } },
    ];
    let compared = 0;
    for (const text of syntheticQueries({ seed: 7, count: 120 })) {
      const bare = [...new Set(tokenize(text))].map((term) => ({ term, weight: 1 }));
      const expanded = weighTerms(queryTerms(text, matchers, true, BENCH_NOW), (term) => searcher.idf(term));
      for (const query of [bare, expanded]) {
        for (const { k, filter, recency } of variants) {
          const got = searcher.search(query, k, filter, recency).map(({ doc, score }) => ({ doc, score }));
          expect(got).toEqual(reference(searcher, query, k, filter, recency));
          compared++;
        }
      }
    }
    expect(compared).toBe(120 * 2 * 4);
  });
});
