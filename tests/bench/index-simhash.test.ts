import { describe, expect, it } from 'vitest';
import { syntheticArticles, toStored } from '../../bench/synthetic-corpus.ts';
import { buildIndexData, type IndexPassage } from '../../src/retrieval/bm25-index.ts';
import { simhash } from '../../src/retrieval/simhash.ts';
import { tokenize } from '../../src/retrieval/tokenize.ts';

/**
 * The index builder computes SimHash its own way (terms hashed once, votes counted in byte lanes);
 * copy collapse relies on it agreeing with simhash() bit for bit. Kept beside the bench corpus it
 * runs on; it belongs with tests/retrieval once that folder's owner takes it.
 */
describe('SimHash of indexed passages', () => {
  it('equals simhash() of the tokens for the bench corpus and for edge cases', () => {
    const stored = syntheticArticles({ seed: 11, passages: 2_000 }).map(toStored);
    const passages: IndexPassage[] = stored.flatMap(({ article, passages: parts }, articleIndex) =>
      parts.map((passage) => ({ articleIndex, ordinal: passage.ordinal, tokens: [...tokenize(article.title), ...tokenize(passage.text)] })),
    );
    const edges = [[], ['one'], ['same', 'same', 'same'], tokenize('김정은 위원장은 平壤 에서 习近平 주석과 만났다'), Array.from({ length: 700 }, (_, i) => `w${i % 97}`)];
    for (const tokens of edges) passages.push({ articleIndex: 0, ordinal: passages.length, tokens });

    const data = buildIndexData(stored.map(({ article }) => ({ ...article, topics: [] })), passages, []);

    const expected = passages.map(({ tokens }) => simhash(tokens));
    const actual = passages.map((_, doc) => [data.docSimHi[doc], data.docSimLo[doc]]);
    expect(actual).toEqual(expected);
  });
});
