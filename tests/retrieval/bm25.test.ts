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

describe('BM25 early termination', () => {
  it('returns the same top 10 as scoring every passage, for long queries on a large index', () => {
    // A seeded Zipf-ish corpus: a few common words and a long tail, so MaxScore has terms to skip.
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
    const docs = Array.from({ length: 3000 }, () => Array.from({ length: 20 + Math.floor(random() * 80) }, word));
    const articles = docs.map((_, i) => ({ id: `a${i}`, publishedAt: new Date(Date.UTC(2020, 0, 1 + (i % 900))), outlet: 'Wire', language: 'en', topics: [] }));
    const searcher = new Bm25Searcher(buildIndexData(articles, docs.map((tokens, i) => ({ articleIndex: i, ordinal: 0, tokens })), []));
    const { idf, termOffsets, postingDocs, postingWeights } = searcher.data;
    const termId = new Map(searcher.data.terms.map((term, id) => [term, id]));
    for (let q = 0; q < 60; q++) {
      const query = Array.from({ length: 2 + (q % 7) }, () => ({ term: word(), weight: random() < 0.3 ? 0.4 : 1 }));
      const brute = new Float64Array(docs.length);
      for (const { term, weight } of query) {
        const id = termId.get(term);
        if (id === undefined) continue;
        for (let at = termOffsets[id]!; at < termOffsets[id + 1]!; at++) brute[postingDocs[at]!]! += idf[id]! * weight * postingWeights[at]!;
      }
      const expected = [...brute].map((score, doc) => ({ doc, score })).filter((x) => x.score > 0).sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, 10);
      const got = searcher.search(query, 10);
      expect(got.map((hit) => hit.score)).toEqual(expected.map((x) => expect.closeTo(x.score, 4)));
    }
  });
});
