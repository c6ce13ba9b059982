import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, wordCount } from '../../src/retrieval/tokenize.ts';
import { hostileText, longText } from './arbitraries.ts';

const anyText = fc.oneof(
  { weight: 6, arbitrary: hostileText(30) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: longText },
);

describe('tokenizer on arbitrary unicode', () => {
  it('never throws and returns only non-empty tokens without whitespace', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const bad = tokenize(text).filter((token) => typeof token !== 'string' || token.length === 0 || /\s/.test(token));
        expect(bad).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same tokens for the same text whatever was tokenized before, so the index and queries agree', () => {
    fc.assert(
      fc.property(anyText, fc.array(anyText, { maxLength: 5 }), (text, others) => {
        const first = tokenize(text);
        for (const other of others) tokenize(other);
        expect(tokenize(text)).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });

  it('counts a finite, non-negative number of words, and none in text without letters or digits', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const count = wordCount(text);
        expect(Number.isFinite(count)).toBe(true);
        expect(count).toBeGreaterThanOrEqual(0);
        if (!/[\p{L}\p{N}]/u.test(text)) expect(count).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
