import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { tokenize, wordCount } from '../../src/retrieval/tokenize.ts';
import { hostileText, longText } from '../property/arbitraries.ts';

describe('tokenize', () => {
  it('stems English words so visits, visited and visit index alike', () => {
    expect(new Set([...tokenize('visits'), ...tokenize('visited'), ...tokenize('visit')]).size).toBe(1);
  });

  it('drops stopwords and possessives but keeps numbers and years', () => {
    expect(tokenize("What did China's customs say about 2024 and the 5% drop?")).toEqual(['china', 'custom', '2024', '5', 'drop']);
  });

  it('drops the framing verbs of a question, which news text rarely uses and so would weigh like its subject', () => {
    expect(tokenize('how bad did trade get during 2020, and got worse')).toEqual(['bad', 'trade', '2020', 'wors']);
  });

  it('strips Korean particles so 평양을 and 평양에서 meet 평양', () => {
    expect(tokenize('평양을 평양에서 평양')).toEqual(['평양', '평양', '평양']);
  });

  it('splits Chinese text into words with Intl.Segmenter', () => {
    const tokens = tokenize('习近平访问平壤');
    expect(tokens.join('')).toBe('习近平访问平壤');
    expect(tokens.length).toBeGreaterThan(1);
  });

  it('never throws and never returns empty tokens on arbitrary input', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = Array.from({ length: seed % 40 }, (_, i) => String.fromCodePoint(((seed * 7919 + i * 104729) % 0x2ffff) + 1)).join('');
      expect(tokenize(text).every((token) => token.length > 0)).toBe(true);
    }
  });
});

/**
 * The tokenizer as it was before its word → term memo (ADR 007). The index, the eval numbers and
 * every stored query depend on tokenize's output, so the fast version must agree with this one on
 * every input.
 */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL_PARTICLE = /(?:에서|으로|에게|까지|부터|처럼|과의|와의|이|가|을|를|은|는|의|에|도|로|와|과|만)$/u;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const STOPWORDS = new Set(
  `a an and are as at be been but by for from had has have he her his i if in into is it its me my no not of on or our
  she so than that the their them then there these they this those to was we were what when where which while who whom
  why will with would you your do does did can could should may might about after before also over under up out off
  said says say just more most other some such only own same very s t via per upon any all both each few
  how many much tell happen happened happening know anything something during get gets got gotten`
    .split(/\s+/)
    .filter(Boolean),
);

function referenceTokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (CJK.test(word)) {
      for (const segment of segmenter.segment(word)) {
        if (!segment.isWordLike) continue;
        let cjk = segment.segment;
        if (/\p{Script=Hangul}/u.test(cjk)) while (cjk.length > 2 && HANGUL_PARTICLE.test(cjk)) cjk = cjk.replace(HANGUL_PARTICLE, '');
        out.push(cjk);
      }
      continue;
    }
    const bare = word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
    if ((bare.length < 2 && !/\d/.test(bare)) || STOPWORDS.has(bare)) continue;
    out.push(/^\d/.test(bare) ? bare : stemmer(bare));
  }
  return out;
}

function referenceWordCount(text: string): number {
  let count = 0;
  for (const match of text.matchAll(WORD)) count += CJK.test(match[0]) ? Math.max(1, match[0].length / 2) : 1;
  return count;
}

async function corpusTexts(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}

const anyText = fc.oneof(
  { weight: 4, arbitrary: hostileText(30) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ab’\'sS 1İıſK北평을-'.split('')), maxLength: 40 }) },
  // Plain ASCII goes through tokenize's and wordCount's hand-written scanners rather than the regex;
  // @ [ ` { sit next to the letters in ASCII.
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...'aAbsZz09\' .-\n_@[`{'.split('')), maxLength: 40 }) },
  { weight: 1, arbitrary: longText },
);

describe('tokenize against the implementation before the word memo', () => {
  it('gives the same tokens and word counts for every file of the sample corpus, twice over', async () => {
    const texts = await corpusTexts(join(import.meta.dirname, '../../data/corpus'));
    expect(texts.length).toBeGreaterThan(0);
    for (const round of [1, 2]) {
      for (const text of texts) {
        expect(tokenize(text), `round ${round}`).toEqual(referenceTokenize(text));
        expect(wordCount(text)).toBe(referenceWordCount(text));
      }
    }
  });

  it('gives the same tokens after the word memo fills up and is emptied', () => {
    // More distinct words than TERM_MEMO_SIZE (200,000), then words the emptied memo saw before.
    const words = Array.from({ length: 210_000 }, (_, i) => `w${i.toString(36)}ing`);
    const text = `${words.join(' ')} ${words.slice(0, 1000).join(' ')} Visited visits`;
    expect(tokenize(text)).toEqual(referenceTokenize(text));
    expect(tokenize(`${text} é`)).toEqual(referenceTokenize(`${text} é`));
  });

  it('gives the same tokens and word counts for arbitrary unicode', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(tokenize(text)).toEqual(referenceTokenize(text));
        expect(wordCount(text)).toBe(referenceWordCount(text));
      }),
      { numRuns: 2000 },
    );
  });
});
