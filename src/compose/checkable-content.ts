/**
 * The parts of a sentence that can be checked against a source without understanding it: quotations,
 * dates, and numbers. Names are found in check-names.ts. Each extractor masks what it took, so "March 28"
 * is a date and not also the number 28, and a number inside a quotation is checked as part of the quote.
 */
export type DateParts = { y?: number; m?: number; d?: number };
export type Found<T> = { surface: string } & T;
export type Content = {
  quotes: Found<{ text: string }>[];
  dates: Found<{ date: DateParts }>[];
  numbers: Found<{ value: number; percent: boolean }>[];
  /** The text with quotations, dates and numbers masked (MASK), for names and content words. */
  rest: string;
};

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
// Full names before "Sept" before three letters, so the longest alternative wins; case-sensitive, so "may" the verb is not May.
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December|Sept(?=\\.)|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?=\\.))\\b\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(1[89]\\d{2}|20\\d{2})';
const monthOf = (name: string) => MONTHS.findIndex((full) => full.startsWith(name.toLowerCase().replace('.', '').slice(0, 3))) + 1;
const num = (text: string | undefined) => (text === undefined ? undefined : Number(text));

type DatePattern = { pattern: RegExp; parts: (m: RegExpExecArray) => DateParts[] };
const DATE_PATTERNS: DatePattern[] = [
  { pattern: /\b(\d{4})-(\d{2})-(\d{2})\b/g, parts: (m) => [{ y: num(m[1]), m: num(m[2]), d: num(m[3]) }] },
  { pattern: /(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]/g, parts: (m) => [{ y: num(m[1]), m: num(m[2]), d: num(m[3]) }] },
  { pattern: /(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]/g, parts: (m) => [{ m: num(m[1]), d: num(m[2]) }] },
  { pattern: /(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]/g, parts: (m) => [{ y: num(m[1]), m: num(m[2]) }] },
  { pattern: /(\d{4})\s*[年년]/g, parts: (m) => [{ y: num(m[1]) }] },
  {
    // March 28 · March 28, 2018 · March 25-28, 2018 · Sept. 3
    pattern: new RegExp(`\\b${MONTH}\\s+${DAY}(?:\\s*[-–—]\\s*(\\d{1,2}))?(?:,?\\s+${YEAR})?(?![\\d:])`, 'g'),
    parts: (m) => [m[2], m[3]].flatMap((d) => (d ? [{ m: monthOf(m[1]!), d: num(d), y: num(m[4]) }] : [])),
  },
  { pattern: new RegExp(`\\b${DAY}\\s+${MONTH}(?:,?\\s+${YEAR})?`, 'g'), parts: (m) => [{ d: num(m[1]), m: monthOf(m[2]!), y: num(m[3]) }] },
  { pattern: new RegExp(`\\b${MONTH}(?:\\s+of)?,?\\s+${YEAR}\\b`, 'g'), parts: (m) => [{ m: monthOf(m[1]!), y: num(m[2]) }] },
  { pattern: /\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/g, parts: (m) => [{ m: monthOf(m[1]!) }] },
  { pattern: new RegExp(`(?<![\\d.,$])${YEAR}(?![\\d%]|[.,]\\d|\\s?(?:percent|per cent))`, 'g'), parts: (m) => [{ y: num(m[1]) }] },
];

const QUOTE = /["“«「]([^"“”«»「」]+)["”»」]|(?<=^|[\s(])‘([^‘’]*\s[^‘’]*)’(?![\p{L}])/gu;

const NUMBER = /(?<![\p{L}\d.,])(US\$|\$|€|£|¥|₩)?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(%|percent\b|per cent\b|percentage points?\b))?(?:[\s-]?(thousand|million|billion|trillion|mln|bln|bn|mn|m|b|k)\b)?/giu;
const SCALE: Record<string, number> = { thousand: 1e3, k: 1e3, million: 1e6, mln: 1e6, mn: 1e6, m: 1e6, billion: 1e9, bln: 1e9, bn: 1e9, b: 1e9, trillion: 1e12 };

/** Masked text is replaced by a mark that is neither a word nor a space, so no name runs across it. */
export const MASK = '¦';
const blank = (text: string, start: number, length: number) => text.slice(0, start) + MASK.repeat(length) + text.slice(start + length);

const valid = (parts: DateParts) => (parts.m === undefined || (parts.m >= 1 && parts.m <= 12)) && (parts.d === undefined || (parts.d >= 1 && parts.d <= 31));

export function checkableContent(text: string): Content {
  let rest = text;
  const quotes: Content['quotes'] = [];
  for (const match of text.matchAll(QUOTE)) {
    quotes.push({ surface: match[0], text: (match[1] ?? match[2])! });
    rest = blank(rest, match.index, match[0].length);
  }
  const dates: Content['dates'] = [];
  for (const { pattern, parts } of DATE_PATTERNS) {
    for (const match of rest.matchAll(pattern)) {
      const found = parts(match).filter(valid);
      if (found.length === 0) continue;
      for (const date of found) dates.push({ surface: match[0].trim(), date: Object.fromEntries(Object.entries(date).filter(([, v]) => v !== undefined)) });
      rest = blank(rest, match.index, match[0].length);
    }
  }
  const numbers: Content['numbers'] = [];
  for (const match of rest.matchAll(NUMBER)) {
    const [surface, currency, digits, decimals, percent, scaleWord] = match;
    const scale = scaleWord?.toLowerCase();
    // "5 m" is five metres; a bare letter is a scale only after a currency sign ("$5m").
    const factor = scale && (scale.length > 1 || currency) ? SCALE[scale] ?? 1 : 1;
    numbers.push({ surface: surface.trim(), value: Number(`${digits!.replace(/,/g, '')}${decimals ?? ''}`) * factor, percent: percent !== undefined });
    rest = blank(rest, match.index, surface.length);
  }
  return { quotes, dates, numbers, rest };
}

const QUOTE_MARKS: Record<string, string> = { '“': '"', '”': '"', '„': '"', '‘': "'", '’': "'", '«': '"', '»': '"' };

/** For verbatim comparison: whitespace collapsed and curly quote marks made straight. */
export const normaliseVerbatim = (text: string): string => text.replace(/[“”„‘’«»]/g, (c) => QUOTE_MARKS[c]!).replace(/\s+/g, ' ').trim();

const flipFirst = (s: string) => (s[0] === s[0]!.toLowerCase() ? s[0]!.toUpperCase() : s[0]!.toLowerCase()) + s.slice(1);

/**
 * Whether a quotation appears verbatim in a text, up to whitespace, straight or curly quote marks, its
 * closing punctuation, the case of its first letter ("A valuable asset" quoting "a valuable asset"),
 * and elisions: each part around "…" must appear.
 */
export function quoteIn(quote: string, text: string): boolean {
  const haystack = normaliseVerbatim(text);
  const fragments = normaliseVerbatim(quote)
    .split(/\s*(?:…|\.\.\.)\s*/)
    .map((fragment) => fragment.replace(/^[\s,;:]+|[\s.,;:!?]+$/g, ''))
    .filter((fragment) => fragment !== '');
  return fragments.length > 0 && fragments.every((fragment) => haystack.includes(fragment) || haystack.includes(flipFirst(fragment)));
}

/** Whether a date in a point agrees with one in a source: every part the point states must match. */
export const dateAgrees = (point: DateParts, source: DateParts): boolean =>
  (point.y === undefined || point.y === source.y) && (point.m === undefined || point.m === source.m) && (point.d === undefined || point.d === source.d);
