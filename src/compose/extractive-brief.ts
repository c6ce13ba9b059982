import { sentenceSpans } from '../ingest/chunk.ts';
import { isoDay, type Article, type Passage } from '../model.ts';
import type { StoredArticle } from '../store/article-store.ts';
import type { TopicMatcher } from '../topics/topic-matcher.ts';
import { datelineLength } from './dateline.ts';
import type { Claim, Cited, Draft } from './draft.ts';
import { TermSpace, type Vector } from './vectors.ts';

const DAY_MS = 86_400_000;
/** Articles this many days apart or less may report one development… */
const SAME_DEVELOPMENT_DAYS = 3;
/** …when their texts are at least this similar (TF-IDF cosine). */
const SAME_DEVELOPMENT_SIMILARITY = 0.2;
export const MIN_POINTS = 3;
export const MAX_POINTS = 7;
/** Reports in different languages are one development when at most this many days apart… */
const CROSS_LANGUAGE_DAYS = 1;
/** …and they share at least this many topic entities, and this share of all they name. */
const CROSS_LANGUAGE_MIN_SHARED = 3;
const CROSS_LANGUAGE_MIN_JACCARD = 0.6;
/** Weight of a development reported only in languages other than English. */
const NON_ENGLISH_FACTOR = 0.4;
/** A point is one sentence a reader can check; longer sentences are passed over. */
const SENTENCE_CHARS = { min: 50, max: 360 };

export type BriefRequest = {
  articles: readonly StoredArticle[];
  matcher: TopicMatcher;
  idf: (term: string) => number;
  /** Term ids and idf of `idf`'s index, kept across briefs on that index; absent = a new space for this brief. */
  terms?: TermSpace | undefined;
  /** Recency is measured back from here. */
  until: Date;
  halfLifeDays: number;
  /** Relevance of each article to the --focus text (by id); absent = no focus. */
  focus?: ReadonlyMap<string, number> | undefined;
  /** Story id by article id (wire copies across outlets share one); absent = every article its own story. */
  stories?: ReadonlyMap<string, string> | undefined;
  maxPoints?: number;
};

/** `entities()`: the topic entities the article names, whatever its language (found on first use). */
type Item = { entry: StoredArticle; vector: Vector; day: number; entities: () => ReadonlySet<string> };

type Development = { items: Item[]; score: number; day: number };

/**
 * Same language: close dates and similar words. Across languages the words cannot be compared, so
 * a Korean and an English report are one development when they are at most a day apart and name
 * nearly the same entities (the topic's aliases map 김정은 and Kim Jong Un to one entity).
 */
function sameDevelopment(a: Item, b: Item, terms: TermSpace): boolean {
  // `a` is pinned in `terms` (groupDevelopments compares it with each of its neighbours).
  const days = Math.abs(a.day - b.day);
  if (a.entry.article.language === b.entry.article.language) return days <= SAME_DEVELOPMENT_DAYS && terms.cosinePinned(a.vector, b.vector) >= SAME_DEVELOPMENT_SIMILARITY;
  if (days > CROSS_LANGUAGE_DAYS) return false;
  const [aEntities, bEntities] = [a.entities(), b.entities()];
  const shared = [...aEntities].filter((id) => bEntities.has(id)).length;
  const union = new Set([...aEntities, ...bEntities]).size;
  return shared >= CROSS_LANGUAGE_MIN_SHARED && shared / union >= CROSS_LANGUAGE_MIN_JACCARD;
}

function groupDevelopments(items: Item[], terms: TermSpace): Item[][] {
  const parent = items.map((_, index) => index);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  // Only articles at most SAME_DEVELOPMENT_DAYS apart can be one development: walk them in date order
  // and compare each with its neighbours in that window, not with every other article.
  const byDay = items.map((_, index) => index).sort((a, b) => items[a]!.day - items[b]!.day);
  for (let x = 0; x < byDay.length; x++) {
    const i = byDay[x]!;
    terms.pin(items[i]!.vector); // sameDevelopment compares against the pinned vector
    for (let y = x + 1; y < byDay.length && items[byDay[y]!]!.day - items[i]!.day <= SAME_DEVELOPMENT_DAYS; y++) {
      const j = byDay[y]!;
      if (sameDevelopment(items[i]!, items[j]!, terms)) parent[find(i)] = find(j);
    }
    terms.unpin(items[i]!.vector);
  }
  const groups = new Map<number, Item[]>();
  items.forEach((item, index) => groups.set(find(index), [...(groups.get(find(index)) ?? []), item]));
  return [...groups.values()];
}

type Candidate = { text: string; start: number; end: number; item: Item; score: number };

/** The sentence most like the rest of the development, preferring leads, English, and both sides named. */
function centralSentence(development: Development, matcher: TopicMatcher, terms: TermSpace): Candidate | undefined {
  const { items } = development;
  const hasEnglish = items.some((item) => item.entry.article.language === 'en');
  let best: Candidate | undefined;
  for (const item of items) {
    const { article } = item.entry;
    if (hasEnglish && article.language !== 'en') continue;
    const others = items.filter((other) => other !== item);
    sentenceSpans(article.text, article.language)
      .slice(0, 8)
      .forEach((span, position) => {
        const start = span.start + datelineLength(article.text.slice(span.start, span.end));
        const text = article.text.slice(start, span.end);
        if (text.length < SENTENCE_CHARS.min || text.length > SENTENCE_CHARS.max || text.endsWith('?')) return;
        const vector = terms.vectorOf(text);
        const agreement = others.length > 0
          ? others.reduce((sum, other) => sum + terms.cosine(vector, other.vector), 0) / others.length
          : terms.cosine(vector, item.vector);
        const sides = new Set([...matcher.mentions(text).keys()].map((id) => matcher.topic.entities.find((e) => e.id === id)?.side));
        const bothSides = matcher.topic.sides.every((side) => sides.has(side)) ? 1.3 : 1;
        const lead = position === 0 ? 1.25 : 1 - position * 0.03;
        const score = agreement * bothSides * lead;
        if (!best || score > best.score) best = { text, start, end: span.end, item, score };
      });
  }
  return best;
}

const passageAt = (passages: readonly Passage[], offset: number): Passage | undefined =>
  passages.find((passage) => passage.start <= offset && offset < passage.end) ?? passages[0];

/** The passage most like the sentence; each similarity is taken once, not twice per comparison. */
function mostSimilar(passages: readonly Passage[], sentence: Vector, terms: TermSpace): Passage | undefined {
  const similarity = new Map(passages.map((passage) => [passage, terms.cosine(terms.vectorOf(passage.text), sentence)]));
  return [...passages].sort((a, b) => similarity.get(b)! - similarity.get(a)!)[0];
}

/**
 * Groups the period's on-topic articles into developments (close dates, similar text), ranks them by
 * coverage (distinct outlets) × recency (× focus), and states each with one verbatim sentence that
 * cites every article of the development.
 */
export function extractiveBrief(request: BriefRequest): { draft: Draft; cited: Map<string, Cited> } {
  const { matcher } = request;
  const terms = request.terms ?? new TermSpace(request.idf);
  const items = request.articles.map((entry): Item => {
    let entities: ReadonlySet<string> | undefined;
    return {
      entry,
      vector: terms.rememberedVectorOf(entry.article.id, entry.contentHash, () => `${entry.article.title}\n${entry.article.text}`),
      day: Math.floor(entry.article.publishedAt.getTime() / DAY_MS),
      // Only reports in different languages a day apart compare entities: most articles never need them.
      entities: () => (entities ??= new Set(matcher.mentions(`${entry.article.title}\n${entry.article.text}`).keys())),
    };
  });
  const untilDay = Math.floor(request.until.getTime() / DAY_MS);
  const developments: Development[] = groupDevelopments(items, terms).map((group) => {
    const day = Math.max(...group.map((item) => item.day));
    // Coverage counts independent reporting: outlets, with the copies of one wire story counted once.
    const outlets = new Set(group.map(({ entry }) => request.stories?.get(entry.article.id) ?? `outlet:${entry.article.outlet}`)).size;
    const recency = 2 ** (-Math.max(0, untilDay - day) / request.halfLifeDays);
    const focus = request.focus ? Math.max(0, ...group.map((item) => request.focus?.get(item.entry.article.id) ?? 0)) : 1;
    // Readers get English points where English reporting exists; a story told only in Korean or
    // Chinese still makes the brief when it matters enough, quoted in its own language.
    const language = group.some((item) => item.entry.article.language === 'en') ? 1 : NON_ENGLISH_FACTOR;
    return { items: group, day, score: (1 + Math.log2(outlets)) * (0.25 + recency) * focus * language };
  });
  const ranked = developments.filter((d) => d.score > 0).sort((a, b) => b.score - a.score || b.day - a.day);

  const claims: Claim[] = [];
  const cited = new Map<string, Cited>();
  for (const development of ranked) {
    if (claims.length >= (request.maxPoints ?? MAX_POINTS)) break;
    const sentence = centralSentence(development, matcher, terms);
    if (!sentence) continue;
    const sentenceVector = terms.vectorOf(sentence.text);
    const citations: string[] = [];
    const byDate = [...development.items].sort((a, b) => a.day - b.day);
    for (const item of [sentence.item, ...byDate.filter((other) => other !== sentence.item)]) {
      const { article, passages } = item.entry;
      const passage = item === sentence.item ? passageAt(passages, sentence.start) : mostSimilar(passages, sentenceVector, terms);
      if (!passage) continue;
      cited.set(passage.id, { passage, article: article satisfies Article });
      citations.push(passage.id);
    }
    claims.push({ text: sentence.text, date: isoDay(sentence.item.entry.article.publishedAt), citations });
  }
  return { draft: { claims, composedBy: 'extractive', notices: [] }, cited };
}
