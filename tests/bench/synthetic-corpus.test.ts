import { describe, expect, it } from 'vitest';
import { BENCH_NOW, syntheticArticles, syntheticQueries, toStored } from '../../bench/synthetic-corpus.ts';
import { chunkArticle } from '../../src/ingest/chunk.ts';

const PASSAGES = 300;

describe('synthetic bench corpus', () => {
  it('generates the same articles and queries for the same seed', () => {
    expect(syntheticArticles({ seed: 42, passages: PASSAGES })).toEqual(syntheticArticles({ seed: 42, passages: PASSAGES }));
    expect(syntheticQueries({ seed: 42, count: 50 })).toEqual(syntheticQueries({ seed: 42, count: 50 }));
  });

  it('generates different articles for a different seed', () => {
    const [a] = syntheticArticles({ seed: 42, passages: 10 });
    const [b] = syntheticArticles({ seed: 43, passages: 10 });
    expect(a?.text).not.toEqual(b?.text);
  });

  it('holds exactly the number of passages asked for, dated 2017 up to the bench day', () => {
    const articles = syntheticArticles({ seed: 42, passages: PASSAGES });
    expect(articles.reduce((sum, article) => sum + article.paragraphs.length, 0)).toBe(PASSAGES);
    for (const { publishedAt } of articles) {
      expect(publishedAt.getTime()).toBeGreaterThanOrEqual(Date.UTC(2017, 0, 1));
      expect(publishedAt.getTime()).toBeLessThanOrEqual(BENCH_NOW.getTime() + 86_400_000);
    }
  });

  it('cuts paragraphs where the ingest chunker would, so stored and ingested passages agree', () => {
    for (const synthetic of syntheticArticles({ seed: 42, passages: 60 })) {
      const { article, passages } = toStored(synthetic);
      expect(chunkArticle(article).map(({ start, end }) => [start, end])).toEqual(passages.map(({ start, end }) => [start, end]));
    }
  });

  it('draws queries of 2 to 8 words', () => {
    for (const query of syntheticQueries({ seed: 42, count: 200 })) expect(query.split(' ').length).toBeGreaterThanOrEqual(2);
    for (const query of syntheticQueries({ seed: 42, count: 200 })) expect(query.split(' ').length).toBeLessThanOrEqual(8);
  });
});
