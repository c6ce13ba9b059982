import { beforeAll, describe, expect, it } from 'vitest';
import { memoryArticleStore } from '../../bench/memory-store.ts';
import { BENCH_NOW, syntheticArticles, syntheticQueries, toStored } from '../../bench/synthetic-corpus.ts';
import type { ArticleStore, StoredArticle } from '../../src/store/article-store.ts';
import { toDay } from '../../src/retrieval/bm25-index.ts';
import { Bm25Searcher } from '../../src/retrieval/bm25-searcher.ts';
import { buildIndexFromStore } from '../../src/retrieval/build-index.ts';
import { queryTerms, weighTerms } from '../../src/retrieval/query-terms.ts';
import { diversify, retrieve } from '../../src/retrieval/retrieve.ts';
import { loadTopics } from '../../src/topics/load-topics.ts';
import { topicMatcher, type TopicMatcher } from '../../src/topics/topic-matcher.ts';

/** The real searcher, with the depth (k) of every search it is asked for written down. */
function countingDepths(searcher: Bm25Searcher): { counting: Bm25Searcher; depths: number[] } {
  const depths: number[] = [];
  const search = searcher.search.bind(searcher);
  const counting = Object.assign(Object.create(searcher) as Bm25Searcher, {
    search: (...args: Parameters<Bm25Searcher['search']>) => {
      depths.push(args[1]);
      return search(...args);
    },
  });
  return { counting, depths };
}

/**
 * retrieve() first searches 1.5 candidates deep per result and goes 4 deep only when the shallow answer
 * could differ. Whichever it does, the hits must be those of diversifying the 4-deep candidates.
 */
describe('retrieve searching shallow first', () => {
  let store: ArticleStore;
  let searcher: Bm25Searcher;
  let matchers: TopicMatcher[];
  beforeAll(async () => {
    matchers = (await loadTopics('data/topics')).map(topicMatcher);
    // Wire copies and many passages per article, so dedupe and the same-article penalty both bite.
    store = memoryArticleStore(syntheticArticles({ seed: 11, passages: 4_000 }).map(toStored));
    searcher = new Bm25Searcher(await buildIndexFromStore(store, matchers));
  });

  it('returns the passages diversify() picks from the 4-deep candidates, from one shallow search for these queries', async () => {
    const { counting, depths } = countingDepths(searcher);
    const filter = { topicBit: searcher.data.topicSlugs.indexOf('china-dprk') };
    const recency = { nowDay: toDay(BENCH_NOW), halfLifeDays: 180, weight: 0.1 };
    for (const text of syntheticQueries({ seed: 11, count: 150 })) {
      const terms = weighTerms(queryTerms(text, matchers, true, BENCH_NOW), (term) => searcher.idf(term));
      for (const k of [1, 3, 10]) {
        const hits = await retrieve({ searcher: counting, store }, terms, { k, filter, now: BENCH_NOW, halfLifeDays: 180, recencyWeight: 0.1 });
        const expected = diversify(searcher, searcher.search(terms, 4 * k, filter, recency), k);
        expect(hits.map((hit) => [hit.passage.id, hit.score])).toEqual(
          expected.map((scored) => [`${searcher.data.articleIds[searcher.data.docArticle[scored.doc]!]}#${searcher.data.docOrdinal[scored.doc]}`, scored.score]),
        );
      }
    }
    // Every answer here came from the shallow search alone: one search per retrieval.
    expect(depths).toHaveLength(150 * 3);
  });

  it('searches deep when one article fills the shallow candidates, and still returns what diversify() picks', async () => {
    // One article whose eight passages all say "coal" often, and eight articles that say it once.
    const entry = (id: string, day: number, texts: string[]): StoredArticle => {
      const text = texts.join('\n\n');
      let start = 0;
      const passages = texts.map((passage, ordinal) => {
        const at = start;
        start += passage.length + 2;
        return { id: `${id}#${ordinal}`, articleId: id, ordinal, text: passage, start: at, end: at + passage.length };
      });
      return { article: { id, url: `https://example.com/${id}`, title: `Report ${id}`, outlet: 'Wire', publishedAt: new Date(Date.UTC(2020, 0, day)), language: 'en', text }, passages, contentHash: id };
    };
    const entries = [
      entry('long', 1, Array.from({ length: 8 }, (_, i) => `Coal coal coal shipments part ${i} of the coal story.`)),
      ...Array.from({ length: 8 }, (_, i) => entry(`short${i}`, 2 + i, [`A note on coal and ${['rice', 'oil', 'fish', 'steel', 'wood', 'salt', 'tea', 'silk'][i]} trade in port ${i}.`])),
    ];
    const small = memoryArticleStore(entries);
    const index = new Bm25Searcher(await buildIndexFromStore(small, matchers));
    const { counting, depths } = countingDepths(index);
    const terms = [{ term: 'coal', weight: 1 }];
    const now = new Date(Date.UTC(2020, 1, 1));
    const hits = await retrieve({ searcher: counting, store: small }, terms, { k: 3, now, halfLifeDays: 180 });
    expect(depths).toEqual([6, 12]); // ⌈1.5 × 3⌉ + 1 first, then 4 × 3
    const expected = diversify(index, index.search(terms, 12, {}, { nowDay: toDay(now), halfLifeDays: 180, weight: 0.3 }), 3);
    expect(hits.map((hit) => hit.passage.id)).toEqual(expected.map((scored) => `${index.data.articleIds[index.data.docArticle[scored.doc]!]}#${index.data.docOrdinal[scored.doc]}`));
    // After the long article's best passage, its near-copies and penalised passages give way to other articles.
    expect(hits.map((hit) => hit.article.id)).toEqual(['long', expect.stringMatching(/^short/), expect.stringMatching(/^short/)]);
  });
});
