import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sentenceSpans } from '../../src/ingest/chunk.ts';
import { collapseWhitespace } from '../../src/ingest/normalize.ts';
import { wordCount } from '../../src/retrieval/tokenize.ts';
import { hostileText } from '../property/arbitraries.ts';

/*
 * ADR 007 made ingest's hot paths faster. The index, the chunk offsets every citation is checked
 * against, and the eval numbers depend on their output, so each fast version is compared here with
 * a copy of the code as it was before.
 */

// ---- chunk.ts before: a new Intl.Segmenter per call, the abbreviation regex over the whole sentence.
const ABBREVIATION_END = /(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sen|Rep|Gov|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|Prof|Adm|Maj|Capt)\.)$/;
type Span = { start: number; end: number; words: number; paragraphStart: boolean };
function referenceSentenceSpans(text: string, language = 'en'): Span[] {
  let segmenter: Intl.Segmenter;
  try {
    segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
  } catch {
    segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  }
  const raw: Span[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const leading = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (!trimmed) continue;
    const before = text.slice(Math.max(0, index - 2), index);
    raw.push({
      start: index + leading,
      end: index + leading + trimmed.length,
      words: wordCount(trimmed),
      paragraphStart: index === 0 || /\n\s*$/.test(before) || segment.slice(0, leading).includes('\n'),
    });
  }
  const spans: Span[] = [];
  for (const span of raw) {
    const previous = spans.at(-1);
    const between = previous ? text.slice(previous.end, span.start) : '';
    if (previous && !between.includes('\n') && ABBREVIATION_END.test(text.slice(previous.start, previous.end))) {
      previous.end = span.end;
      previous.words += span.words;
    } else {
      spans.push(span);
    }
  }
  return spans;
}

const root = join(import.meta.dirname, '../..');
async function corpusTexts(): Promise<string[]> {
  const entries = await readdir(join(root, 'data/corpus'), { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}
describe('sentenceSpans against the implementation before segmenter reuse', () => {
  it('gives the same spans for every file of the sample corpus in every language tag', async () => {
    for (const text of await corpusTexts()) {
      for (const language of ['en', 'ko', 'zh', 'en_US']) expect(sentenceSpans(text, language)).toEqual(referenceSentenceSpans(text, language));
    }
  });

  it('gives the same spans for arbitrary text with abbreviations', () => {
    const abbreviated = fc
      .array(fc.oneof(hostileText(4), fc.constantFrom('U.S. ', 'U.S.A. ', 'Mr. ', 'Sept. ', 'xU.S. ', '1No. ', 'Capt. ', 'A. ', 'said. ', '\n', '. ')), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(abbreviated, fc.constantFrom('en', 'ko', 'zh', 'en_US', ''), (text, language) => {
        expect(sentenceSpans(text, language)).toEqual(referenceSentenceSpans(text, language));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('collapseWhitespace', () => {
  it('gives what replacing every whitespace run with one space gives', () => {
    const spaced = fc
      .array(fc.oneof(hostileText(3), fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2029', '\ufeff', ' \t ', 'a')), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(spaced, (text) => {
        expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' '));
      }),
      { numRuns: 2000 },
    );
  });
});
