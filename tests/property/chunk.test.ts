import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkArticle, PASSAGE_MAX_WORDS, sentenceSpans } from '../../src/ingest/chunk.ts';
import { HOSTILE_PIECES, hostileText } from './arbitraries.ts';

const WORDS = ['Kim', 'Jong', 'Un', 'met', 'Xi', 'in', 'Beijing', 'trade', 'rose', 'by', '5%', 'U.S.', 'Mr.', 'Gen.', '평양에서', '회담을', '朝鲜', '中国', 'the', 'on', 'Jan.', '2024'];
const sentence = fc
  .tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 40, size: 'max' }), fc.constantFrom('.', '!', '?', '。', '', '…', '."'))
  .map(([words, end]) => `${words.join(' ')}${end}`);
const separator = fc.constantFrom(' ', ' ', '  ', '\n', '\n\n', '\n \n', '\r\n', '\t', '\u2029', '\u0085', '');

/** News-like prose (long enough to fill several passages) laced with hostile pieces. */
const articleText = fc
  .array(fc.oneof({ weight: 6, arbitrary: sentence }, { weight: 2, arbitrary: separator }, { weight: 2, arbitrary: hostileText(4) }), { maxLength: 150, size: 'max' })
  .map((parts) => parts.join(' '));

/** Languages as front matter or a feed might give them, including tags Intl rejects. */
const language = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('en', 'ko', 'zh', 'ja', 'de', 'zh-Hant') },
  { weight: 2, arbitrary: fc.constantFrom('en_US', 'en us', 'e', 'english!', 'x-y-z-zzzzzzzzz', '中文', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const isWhitespace = (char: string) => /\s/.test(char);

/** Offsets that are out of order, outside the text, empty or untrimmed, as readable problems ([] when none). */
function offsetProblems(text: string, ranges: readonly { start: number; end: number }[]): string[] {
  const problems: string[] = [];
  let previousEnd = 0;
  for (const { start, end } of ranges) {
    const slice = text.slice(start, end);
    if (start < previousEnd) problems.push(`${start} overlaps the range ending at ${previousEnd}`);
    if (end <= start || end > text.length) problems.push(`bad range ${start}..${end} in ${text.length}`);
    if (slice.trim() !== slice) problems.push(`untrimmed ${JSON.stringify(slice)}`);
    previousEnd = end;
  }
  return problems;
}

describe('chunker on arbitrary text', () => {
  it('returns trimmed, ordered, non-overlapping sentence spans inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(articleText, hostileText(40)), language, (text, lang) => {
        const spans = sentenceSpans(text, lang);
        expect(offsetProblems(text, spans)).toEqual([]);
        expect(spans.filter((span) => !(span.words >= 0))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts passages that are verbatim, non-empty, numbered slices of the text covering all of its non-whitespace', () => {
    fc.assert(
      fc.property(fc.oneof(articleText, hostileText(40)), language, (text, lang) => {
        const passages = chunkArticle({ id: 'art', text, language: lang });
        expect(offsetProblems(text, passages)).toEqual([]);
        const misnumbered = passages.filter((passage, ordinal) => passage.id !== `art#${ordinal}` || passage.articleId !== 'art' || passage.ordinal !== ordinal);
        expect(misnumbered).toEqual([]);
        expect(passages.filter((passage) => passage.text !== text.slice(passage.start, passage.end))).toEqual([]);
        const covered = new Uint8Array(text.length);
        for (const passage of passages) covered.fill(1, passage.start, passage.end);
        const missed: number[] = [];
        for (let i = 0; i < text.length; i++) if (!covered[i] && !isWhitespace(text[i]!)) missed.push(i);
        expect(missed).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps sentences whole and never joins sentences into more than 1.3 × PASSAGE_MAX_WORDS words', () => {
    fc.assert(
      fc.property(articleText, fc.constantFrom('en', 'ko', 'zh'), (text, lang) => {
        const spans = sentenceSpans(text, lang);
        const problems: string[] = [];
        for (const passage of chunkArticle({ id: 'art', text, language: lang })) {
          const inside = spans.filter((span) => span.start >= passage.start && span.end <= passage.end);
          const straddling = spans.filter((span) => span.start < passage.end && span.end > passage.start && !inside.includes(span));
          const words = inside.reduce((sum, span) => sum + span.words, 0);
          if (straddling.length > 0) problems.push(`passage ${passage.ordinal} cuts a sentence`);
          if (inside[0]?.start !== passage.start || inside.at(-1)?.end !== passage.end) problems.push(`passage ${passage.ordinal} does not start and end on sentences`);
          if (inside.length > 1 && words > PASSAGE_MAX_WORDS * 1.3) problems.push(`passage ${passage.ordinal} joins ${inside.length} sentences into ${words} words`);
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('splits text whose language tag Intl rejects by English rules instead of throwing', () => {
    const text = 'Kim met Xi. Trade rose.';
    expect(chunkArticle({ id: 'a', text, language: 'en_US' })).toEqual(chunkArticle({ id: 'a', text, language: 'en' }));
  });

  it('handles every hostile piece on its own', () => {
    for (const piece of HOSTILE_PIECES) expect(() => chunkArticle({ id: 'a', text: piece, language: 'en' })).not.toThrow();
  });
});
