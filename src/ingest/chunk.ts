import type { Article, Passage } from '../model.ts';
import { holdsCjk, wordCount } from '../retrieval/tokenize.ts';

/** Passage size in words: long enough to carry a claim with its context, short enough to cite precisely. */
export const PASSAGE_MIN_WORDS = 60;
export const PASSAGE_MAX_WORDS = 200;

type Span = { start: number; end: number; words: number; paragraphStart: boolean };

/**
 * Abbreviations after which ICU's sentence rules break although the sentence goes on
 * ("…summit with U.S. President Donald Trump…").
 */
const ABBREVIATION_END = /(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sen|Rep|Gov|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|Prof|Adm|Maj|Capt)\.)$/;

/** Sentences with offsets into the text, trimmed, and whether each opens a paragraph. */
export function sentenceSpans(text: string, language = 'en'): Span[] {
  const spans: Span[] = [];
  for (const span of rawSentenceSpans(text, language)) {
    const previous = spans.at(-1);
    const between = previous ? text.slice(previous.end, span.start) : '';
    if (previous && !between.includes('\n') && endsWithAbbreviation(text, previous.start, previous.end)) {
      previous.end = span.end;
      previous.words += span.words;
    } else {
      spans.push(span);
    }
  }
  return spans;
}

/** A tag Intl rejects (`en_US` in hand-written front matter) gets English rules instead of failing the ingest. */
function newSentenceSegmenter(language: string): Intl.Segmenter {
  try {
    return new Intl.Segmenter(language, { granularity: 'sentence' });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return new Intl.Segmenter('en', { granularity: 'sentence' });
  }
}

/**
 * Segmenters by language tag. Building one loads ICU's rules, which cost more than segmenting a
 * whole article; a segmenter holds no state between `segment()` calls, so one per tag serves all.
 * Tags come from front matter, so the map is capped rather than allowed to grow with every typo.
 */
const SEGMENTER_CACHE_SIZE = 64;
const segmenters = new Map<string, Intl.Segmenter>();
function sentenceSegmenter(language: string): Intl.Segmenter {
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    if (segmenters.size >= SEGMENTER_CACHE_SIZE) segmenters.clear();
    segmenter = newSentenceSegmenter(language);
    segmenters.set(language, segmenter);
  }
  return segmenter;
}

/**
 * The longest ABBREVIATION_END match is six characters ("U.S.A."), so testing the last
 * ABBREVIATION_TAIL characters (one more, for the `\b` before it) gives the same answer as
 * testing the whole sentence, without the regex trying every position of it.
 */
const ABBREVIATION_TAIL = 8;
const endsWithAbbreviation = (text: string, start: number, end: number) =>
  ABBREVIATION_END.test(text.slice(Math.max(start, end - ABBREVIATION_TAIL), end));

function rawSentenceSpans(text: string, language: string): Span[] {
  const segmenter = sentenceSegmenter(language);
  // Checked once for the text rather than once per sentence: most articles hold no CJK at all.
  const cjk = holdsCjk(text);
  const spans: Span[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const leading = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (!trimmed) continue;
    const before = text.slice(Math.max(0, index - 2), index);
    spans.push({
      start: index + leading,
      end: index + leading + trimmed.length,
      words: wordCount(trimmed, cjk),
      paragraphStart: index === 0 || /\n\s*$/.test(before) || segment.slice(0, leading).includes('\n'),
    });
  }
  return spans;
}

/**
 * Sentence-aligned passages of PASSAGE_MIN_WORDS..PASSAGE_MAX_WORDS words. A passage closes at a
 * paragraph break once it is long enough, and a short tail joins the passage before it.
 */
export function chunkArticle(article: Pick<Article, 'id' | 'text' | 'language'>): Passage[] {
  const groups: Span[][] = [];
  let current: Span[] = [];
  let words = 0;
  for (const span of sentenceSpans(article.text, article.language)) {
    const wouldOverflow = words + span.words > PASSAGE_MAX_WORDS;
    const atBreak = span.paragraphStart && words >= PASSAGE_MIN_WORDS;
    if (current.length > 0 && (wouldOverflow || atBreak)) {
      groups.push(current);
      current = [];
      words = 0;
    }
    current.push(span);
    words += span.words;
  }
  if (current.length > 0) {
    const previous = groups.at(-1);
    const previousWords = previous?.reduce((sum, span) => sum + span.words, 0) ?? 0;
    if (previous && words < PASSAGE_MIN_WORDS && previousWords + words <= PASSAGE_MAX_WORDS * 1.3) previous.push(...current);
    else groups.push(current);
  }
  return groups.map((group, ordinal) => {
    const start = group[0]?.start ?? 0;
    const end = group.at(-1)?.end ?? start;
    return { id: `${article.id}#${ordinal}`, articleId: article.id, ordinal, text: article.text.slice(start, end), start, end };
  });
}
