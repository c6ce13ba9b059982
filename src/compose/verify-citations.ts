import { tokenize } from '../retrieval/tokenize.ts';
import type { TopicMatcher } from '../topics/topic-matcher.ts';
import { checkableContent, dateAgrees, MASK, quoteIn, type DateParts } from './checkable-content.ts';
import { foldName, nameIndex, namesIn, type Name, type NameIndex } from './check-names.ts';
import type { Claim, Cited, Draft } from './draft.ts';
import type { Outlet } from './outlets.ts';

export const UNVERIFIED_PREFIX = '[unverified] ';
/**
 * A point with facts to check must also share at least a quarter of its other content words (stemmed;
 * names, numbers and dates excluded), and at least one, with one cited passage in its language: true
 * names and dates around an invented event ("China has invaded North Korea", citing a passage that names
 * both) are not support. Looser than for plain points because the facts already matched.
 */
export const FACT_POINT_MIN_SHARE = 0.25;
/** A point with nothing checkable must share half its content words, and at least two, with one cited passage. */
export const PLAIN_POINT_MIN_SHARE = 0.5;
export const PLAIN_POINT_MIN_SHARED = 2;

export type VerifyOptions = {
  matchers: readonly TopicMatcher[];
  /** CITATION_MODE: drop unsupported points (default) or keep them prefixed "[unverified] ". */
  mode: 'drop' | 'mark';
  /** Known outlets, so "KCNA said …" citing a Xinhua passage that never mentions KCNA is caught. */
  outlets?: readonly Outlet[];
};
export type Verification = { points: number; supported: number; dropped: number; marked: number; reasons: string[] };

const CJK_LANGUAGES = new Set(['zh', 'ko', 'ja']);
/** Whether a point is written in Chinese, Korean or Japanese: its words can only be compared with sources in those. */
const CJK_TEXT = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]{2}/u;

type Facts = {
  n: number; cited: Cited; text: string; folded: string; words: Set<string>; tokens: Set<string>;
  dates: DateParts[]; numbers: { value: number; percent: boolean }[]; entities: Set<string>; sides: Set<string>; language: string;
};

function factsOf(n: number, cited: Cited, matchers: readonly TopicMatcher[]): Facts {
  const { article, passage } = cited;
  const text = `${article.title}\n${passage.text}`;
  const content = checkableContent(text);
  const pub = article.publishedAt;
  const [pubYear, pubMonth] = [pub.getUTCFullYear(), pub.getUTCMonth() + 1];
  // "March 28" in an article published in 2018 means 2018; "December 30" in one published in January, the year before.
  const dates = content.dates.map(({ date }) => (date.y === undefined && date.m !== undefined ? { ...date, y: date.m > pubMonth ? pubYear - 1 : pubYear } : date));
  dates.push({ y: pubYear, m: pubMonth, d: pub.getUTCDate() });
  const yearsAsNumbers = content.dates.filter(({ date }) => date.m === undefined && date.y !== undefined).map(({ date }) => ({ value: date.y!, percent: false }));
  const entities = new Set<string>();
  const sides = new Set<string>();
  for (const matcher of matchers) {
    for (const id of matcher.mentions(text).keys()) {
      entities.add(`${matcher.topic.slug}/${id}`);
      const side = matcher.topic.entities.find((e) => e.id === id)?.side;
      if (side) sides.add(`${matcher.topic.slug}/${side}`);
    }
  }
  const folded = foldName(text);
  return {
    n, cited, text, folded, words: new Set(folded.trim().split(' ')), tokens: new Set(tokenize(text)),
    dates, numbers: [...content.numbers, ...yearsAsNumbers], entities, sides, language: CJK_LANGUAGES.has(article.language) ? 'cjk' : article.language,
  };
}

const sameNumber = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

function nameSupported(name: Name, source: Facts): boolean {
  switch (name.kind) {
    case 'entity': {
      const { slug, entities } = name.matcher.topic;
      if (source.entities.has(`${slug}/${name.entityId}`)) return true;
      // A country stands for its side: "North Korean leader Kim Jong Un" is supported by a passage naming only Kim.
      const entity = entities.find((e) => e.id === name.entityId);
      return entity?.side === entity?.id && source.sides.has(`${slug}/${entity?.side}`);
    }
    case 'outlet':
      return name.names.some((n) => foldName(n) === foldName(source.cited.article.outlet) || source.folded.includes(foldName(n)));
    case 'name': {
      const folded = foldName(name.surface);
      // Verbatim, or every word of it in the same passage: "the foreign ministry of China" supports "China Foreign Ministry".
      return source.folded.includes(folded) || folded.trim().replace(/s$/, '').split(' ').every((w) => source.words.has(w) || source.words.has(`${w}s`));
    }
  }
}

/** Why a point is not supported by the sources it cites, or [] when it is. */
function checkPoint(claim: Claim, label: string, cited: Facts[], index: NameIndex): string[] {
  const numbers = cited.map((s) => `[${s.n}]`).join('');
  const content = checkableContent(claim.text);
  const names = namesIn(content.rest, index).filter((name, i, all) => all.findIndex((other) => foldName(other.surface) === foldName(name.surface)) === i);
  const missing = [
    ...content.quotes.filter((q) => !cited.some((s) => quoteIn(q.text, s.text))).map((q) => ({ surface: q.text })),
    ...content.dates.filter((d) => !cited.some((s) => s.dates.some((date) => dateAgrees(d.date, date)))),
    ...content.numbers.filter((x) => !cited.some((s) => s.numbers.some((y) => y.percent === x.percent && sameNumber(x.value, y.value)))),
    ...names.filter((name) => !cited.some((s) => nameSupported(name, s))),
  ].map((item) => `"${item.surface}"`);
  if (missing.length > 0) return [`${label}: ${missing.join(', ')} not in cited sources ${numbers}`];

  const hasFacts = content.quotes.length + content.dates.length + content.numbers.length + names.length > 0;
  const words = new Set(tokenize(content.rest.replaceAll(MASK, ' ').replace(/\p{Lu}[\p{L}\p{M}'’.-]*/gu, ' ')));
  const language = CJK_TEXT.test(content.rest) ? 'cjk' : 'en';
  const comparable = cited.filter((s) => s.language === language);
  if (comparable.length < cited.length && (hasFacts || comparable.length === 0)) {
    return hasFacts ? [] : [`${label}: nothing in it can be checked against cited sources ${numbers} in another language`];
  }
  const shared = Math.max(0, ...comparable.map((s) => [...words].filter((w) => s.tokens.has(w)).length));
  const share = words.size > 0 ? shared / words.size : 0;
  const enough = hasFacts
    ? words.size === 0 || share >= FACT_POINT_MIN_SHARE
    : share >= PLAIN_POINT_MIN_SHARE && shared >= Math.min(PLAIN_POINT_MIN_SHARED, words.size) && words.size > 0;
  return enough ? [] : [`${label}: shares too few words with cited sources ${numbers} (${shared} of ${words.size} content words)`];
}

/**
 * Checks every point against the passages it cites (docs/adr/005-verified-citations.md). `cited` is the
 * request's sources in request order; reasons number them 1..n in that order, as the prompt did.
 * A citation the map does not hold (such as "[9]" for a number past the sources) is reported and removed.
 */
export function verifyDraft(draft: Draft, cited: ReadonlyMap<string, Cited>, options: VerifyOptions): { draft: Draft; verification: Verification } {
  const index = nameIndex(options.matchers, options.outlets);
  const facts = new Map([...cited].map(([id, source], i) => [id, factsOf(i + 1, source, options.matchers)]));
  const reasons: string[] = [];
  const claims: Claim[] = [];
  let supported = 0;
  draft.claims.forEach((claim, i) => {
    const label = `point ${i + 1}`;
    const known = claim.citations.filter((id) => facts.has(id));
    for (const id of claim.citations.filter((c) => !facts.has(c))) reasons.push(`${label}: cites ${/^\[\d+\]$/.test(id) ? id : `"${id}"`}, which is not among the ${cited.size} sources`);
    const problems = claim.citations.length === 0 ? [`${label}: cites no source`] : known.length === 0 ? [] : checkPoint(claim, label, known.map((id) => facts.get(id)!), index);
    const ok = known.length > 0 && problems.length === 0;
    reasons.push(...problems);
    if (ok) {
      supported++;
      claims.push({ ...claim, citations: known });
    } else if (options.mode === 'mark') {
      claims.push({ ...claim, text: claim.text.startsWith(UNVERIFIED_PREFIX) ? claim.text : UNVERIFIED_PREFIX + claim.text, citations: known });
    }
  });
  const points = draft.claims.length;
  const unsupported = points - supported;
  const dropped = options.mode === 'drop' ? unsupported : 0;
  const marked = options.mode === 'mark' ? unsupported : 0;
  const notices = [...draft.notices];
  if (dropped > 0) notices.push(`${dropped} of ${points} points ${dropped === 1 ? 'was' : 'were'} left out: the sources they cited do not support them.`);
  if (marked > 0) notices.push(`${marked} of ${points} points ${marked === 1 ? 'is' : 'are'} marked [unverified]: the sources they cite do not support them.`);
  return { draft: { ...draft, claims, notices }, verification: { points, supported, dropped, marked, reasons } };
}
