import { describe, expect, it } from 'vitest';
import { buildIndexData, toDay } from '../../src/retrieval/bm25-index.ts';
import { Bm25Searcher } from '../../src/retrieval/bm25-searcher.ts';
import { decodeIndex, encodeIndex } from '../../src/retrieval/index-codec.ts';
import { TopK } from '../../src/retrieval/top-k.ts';

const DOCS = [
  'china north korea coal ban coal',
  'kim jong un visit beijing xi jinping',
  'xi jinping visit pyongyang',
  'trade china north korea rose',
  'sanction resolution coal iron seafood',
  'coal',
];

function fixture() {
  const articles = DOCS.map((_, i) => ({
    id: `a${i}`, publishedAt: new Date(Date.UTC(2018 + i, 0, 1)), outlet: i % 2 ? 'Xinhua' : 'Reuters', language: 'en', topics: i < 4 ? ['china-dprk'] : [],
  }));
  const passages = DOCS.map((text, i) => ({ articleIndex: i, ordinal: 0, tokens: text.split(' ') }));
  return new Bm25Searcher(buildIndexData(articles, passages, ['china-dprk']));
}

/** Okapi BM25 written the plain way, as the reference for the typed-array index. */
function naiveBm25(query: string[], k1 = 1.2, b = 0.75): number[] {
  const docs = DOCS.map((text) => text.split(' '));
  const avg = docs.reduce((sum, doc) => sum + doc.length, 0) / docs.length;
  return docs.map((doc) =>
    query.reduce((score, term) => {
      const df = docs.filter((d) => d.includes(term)).length;
      const tf = doc.filter((t) => t === term).length;
      if (!tf) return score;
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      return score + (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / avg));
    }, 0),
  );
}

describe('BM25 index on typed arrays', () => {
  it('scores every passage as the textbook formula does', () => {
    const searcher = fixture();
    const query = ['coal', 'china', 'visit'];
    const expected = naiveBm25(query);
    const got = searcher.search(query.map((term) => ({ term, weight: 1 })), 10);
    for (const { doc, score } of got) expect(score).toBeCloseTo(expected[doc]!, 5);
    expect(got.map((hit) => hit.doc)).toEqual(expected.map((score, doc) => ({ score, doc })).filter((x) => x.score > 0).sort((a, b) => b.score - a.score).map((x) => x.doc));
  });

  it('leaves out passages outside the date range, topic, outlet or language asked for', () => {
    const searcher = fixture();
    const coal = [{ term: 'coal', weight: 1 }];
    expect(searcher.search(coal, 10, { topicBit: 0 }).map((hit) => hit.doc)).toEqual([0]);
    expect(searcher.search(coal, 10, { sinceDay: toDay(new Date('2021-06-01')) }).map((hit) => hit.doc).sort()).toEqual([4, 5]);
    expect(searcher.search(coal, 10, { outlets: new Set([1]) }).map((hit) => hit.doc)).toEqual([5]);
  });

  it('ranks the fresher of two equal passages first when recency is on, and reports the boost', () => {
    const searcher = fixture();
    const [first] = searcher.search([{ term: 'visit', weight: 1 }], 1, {}, { nowDay: toDay(new Date('2020-01-01')), halfLifeDays: 30, weight: 0.5 });
    expect(first?.doc).toBe(2);
    expect(first?.recency).toBeGreaterThan(0);
  });

  it('answers the same after a round trip through the file format', () => {
    const searcher = fixture();
    const { data, stamp } = decodeIndex(encodeIndex(searcher.data, { revision: 7, fingerprint: 'f' }));
    expect(stamp).toEqual({ revision: 7, fingerprint: 'f' });
    const query = [{ term: 'coal', weight: 1 }, { term: 'xi', weight: 0.5 }];
    expect(new Bm25Searcher(data).search(query, 5)).toEqual(searcher.search(query, 5));
  });

  it('keeps the k best of many scores, best first', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 7, 9.5, 2].forEach((score, id) => top.push(id, score));
    expect(top.sorted().map((entry) => entry.score)).toEqual([9.5, 9, 7]);
  });
});
