import { toBrief } from './compose/draft.ts';
import { TermSpace } from './compose/vectors.ts';
import { extractiveAnswer } from './compose/extractive-answer.ts';
import { extractiveBrief, MAX_POINTS, MIN_POINTS } from './compose/extractive-brief.ts';
import { fitClaims } from './compose/fit-brief.ts';
import type { ComposeKind, ComposeOptions } from './compose/composer.ts';
import type { Condenser } from './compose/openai-condenser.ts';
import { rewriteWithModel, type ModelComposer } from './compose/rewrite-with-model.ts';
import type { AppFailure } from './failures.ts';
import { fail, isoDay, ok, type Brief, type Hit, type Result } from './model.ts';
import { metrics } from './ops/metrics.ts';
import { resolveWindow } from './period.ts';
import { toDay } from './retrieval/bm25-index.ts';
import { dateTerms } from './retrieval/build-index.ts';
import type { Bm25Searcher } from './retrieval/bm25-searcher.ts';
import { queryTerms, weighTerms } from './retrieval/query-terms.ts';
import type { DenseIndex } from './retrieval/dense-index.ts';
import type { Dense } from './retrieval/hybrid.ts';
import { retrieve } from './retrieval/retrieve.ts';
import type { ArticleStore } from './store/article-store.ts';
import { entityTerms, type TopicMatcher } from './topics/topic-matcher.ts';
import { tokenize } from './retrieval/tokenize.ts';

export type BriefingDeps = {
  /** The model composer (verified, cached, falling back to the extractive draft); absent offline. */
  model?: ModelComposer | undefined;
  /** Rewrites a follow-up into a standalone question with the model; absent offline. */
  condense?: Condenser | undefined;
  /** Hybrid retrieval when EMBEDDING_MODEL is set: passage vectors and the model for the query's. */
  dense?: Dense | undefined;
  /** Story ids of articles that came from feeds (wire copies share one), so a brief counts a story once. */
  storyIds?: ((articleIds: readonly string[]) => Promise<Map<string, string>>) | undefined;
  searcher: Bm25Searcher;
  store: ArticleStore;
  matchers: readonly TopicMatcher[];
  now: () => Date;
  halfLifeDays: number;
  defaultSince: string;
};

/**
 * How the caller wants the model part run (all optional; the CLI passes none): `guildId` (its daily token
 * budget, and its turn in the model queue), `signal` (aborting leaves the queue), `onQueued` (how many are ahead
 * while it waits) and `onFallback` (why the extractive text answered instead of the model).
 */
export type ModelCall = Pick<ComposeOptions, 'guildId' | 'signal' | 'onQueued' | 'onFallback'>;

export type BriefInput = ModelCall & { topic: string; since?: string | undefined; until?: string | undefined; focus?: string | undefined };
export type AskInput = ModelCall & { question: string; topic?: string | undefined; context?: string | undefined };
/** expandAliases: false searches the words as typed; hybrid: false leaves vectors out (the eval's baselines). */
export type SearchInput = { query: string; k: number; topic?: string | undefined; expandAliases?: boolean; hybrid?: boolean };

/** Said under any brief or digest that read a source cut short by a paywall. */
export const PAYWALL_NOTICE = 'Some sources were cut short by a paywall; only their free part was read.';

/** A brief reads at most this many articles: grouping compares every pair, and older ones rarely make the cut. */
const MAX_BRIEF_ARTICLES = 300;
/** When the period is empty, the "latest developments" window reaches this far back from the newest article. */
const LATEST_WINDOW_DAYS = 120;
const ANSWER_HITS = 8;
/** Questions are often about the past: recency only breaks near-ties there, unlike in a brief. */
const QUESTION_RECENCY_WEIGHT = 0.1;

/** One term space per index: term ids and idf are looked up once, not once per brief (a new index is a new searcher). */
const termSpaces = new WeakMap<Bm25Searcher, TermSpace>();

function termSpaceOf(searcher: Bm25Searcher): TermSpace {
  let terms = termSpaces.get(searcher);
  if (!terms) termSpaces.set(searcher, (terms = new TermSpace((term) => searcher.idf(term))));
  return terms;
}

export function findTopic(deps: BriefingDeps, slug: string): Result<{ matcher: TopicMatcher; bit: number }, AppFailure> {
  const bit = deps.searcher.data.topicSlugs.indexOf(slug);
  const matcher = deps.matchers.find((m) => m.topic.slug === slug);
  if (!matcher || bit < 0) return fail({ code: 'unknown-topic', topic: slug, known: deps.matchers.map((m) => m.topic.slug) });
  return ok({ matcher, bit });
}

/** Indexes of the topic's articles within [sinceDay, untilDay], newest first. */
export function topicArticles(searcher: Bm25Searcher, bit: number, sinceDay: number, untilDay: number): number[] {
  const { articleTopics, articleDay } = searcher.data;
  const found: number[] = [];
  for (let i = 0; i < articleTopics.length; i++) {
    const day = articleDay[i]!;
    if (((articleTopics[i]! >>> bit) & 1) === 1 && day >= sinceDay && day <= untilDay) found.push(i);
  }
  return found.sort((a, b) => articleDay[b]! - articleDay[a]!);
}

/** Only the model options of an input, for the composer (the topic and question are not its business). */
const modelCall = ({ guildId, signal, onQueued, onFallback }: ModelCall): ComposeOptions => ({ guildId, signal, onQueued, onFallback });

/** Records how long a brief or answer took to compose (retrieval included), by kind and by who wrote it. */
async function timed(kind: ComposeKind, work: Promise<Result<Brief, AppFailure>>): Promise<Result<Brief, AppFailure>> {
  const started = performance.now();
  const result = await work;
  if (result.ok) metrics.composeSeconds.observe({ kind, mode: result.value.mode }, (performance.now() - started) / 1000);
  return result;
}

export function composeBrief(deps: BriefingDeps, input: BriefInput): Promise<Result<Brief, AppFailure>> {
  return timed('brief', briefOn(deps, input));
}

async function briefOn(deps: BriefingDeps, input: BriefInput): Promise<Result<Brief, AppFailure>> {
  const topic = findTopic(deps, input.topic);
  if (!topic.ok) return topic;
  const window = resolveWindow(input, deps.defaultSince, deps.now());
  if (!window.ok) return window;
  const { matcher, bit } = topic.value;
  const { searcher } = deps;
  const notices: string[] = [];

  let selected = topicArticles(searcher, bit, toDay(window.value.since), toDay(window.value.until));
  let until = window.value.until;
  if (selected.length === 0) {
    const latest = topicArticles(searcher, bit, Number.MIN_SAFE_INTEGER, toDay(window.value.until))[0];
    if (latest === undefined) return fail({ code: 'no-articles', topic: matcher.topic.title });
    const latestDay = searcher.data.articleDay[latest]!;
    until = new Date(latestDay * 86_400_000);
    notices.push(`No new reporting on ${matcher.topic.title} between ${window.value.period.since} and ${window.value.period.until}. Below are the latest developments, as of ${isoDay(until)}.`);
    selected = topicArticles(searcher, bit, latestDay - LATEST_WINDOW_DAYS, latestDay);
  }

  let focus: Map<string, number> | undefined;
  if (input.focus?.trim()) {
    const scored = searcher.search(weighTerms(queryTerms(input.focus, [matcher]), (term) => searcher.idf(term)), 500, { topicBit: bit, sinceDay: toDay(window.value.since), untilDay: toDay(until) });
    const best = scored[0]?.score ?? 0;
    focus = new Map();
    for (const { doc, score } of scored) {
      const id = searcher.data.articleIds[searcher.data.docArticle[doc]!]!;
      focus.set(id, Math.max(focus.get(id) ?? 0, 0.2 + score / (best || 1)));
    }
    if (focus.size === 0) notices.push(`Nothing in this period mentions "${input.focus.trim()}"; the brief covers the whole topic.`);
    else selected = selected.filter((index) => focus?.has(searcher.data.articleIds[index]!));
  }

  const ids = selected.slice(0, MAX_BRIEF_ARTICLES).map((index) => searcher.data.articleIds[index]!);
  const articles = (await deps.store.getMany(ids)).flatMap((entry) => (entry ? [entry] : []));
  const stories = deps.storyIds ? await deps.storyIds(ids) : undefined;
  if (articles.some((entry) => entry.article.partial)) notices.push(PAYWALL_NOTICE);
  const { draft: full, cited } = extractiveBrief({
    articles, matcher, idf: (term) => searcher.idf(term), terms: termSpaceOf(searcher), until, halfLifeDays: deps.halfLifeDays,
    focus: focus && focus.size > 0 ? focus : undefined, stories, maxPoints: MAX_POINTS,
  });
  full.notices.unshift(...notices);
  const meta = { topic: matcher.topic.slug, period: window.value.period };
  const fitted = fitClaims(full.claims, (claims) => toBrief({ ...full, claims }, cited, meta), MIN_POINTS);
  const extractive = { draft: { ...full, claims: fitted.claims }, cited, brief: fitted.brief };
  if (!deps.model || extractive.draft.claims.length === 0) return ok(extractive.brief);
  return ok(await rewriteWithModel(deps.model, extractive, {
    kind: 'brief', topic: matcher.topic.slug, topicTitle: matcher.topic.title, period: window.value.period, minPoints: MIN_POINTS,
  }, [], modelCall(input)));
}

/**
 * The query's vector for hybrid retrieval, or undefined (lexical only) without embeddings or when the
 * embedding call fails: a question still gets an answer, and the notice says what was missing.
 */
async function denseQuery(deps: BriefingDeps, text: string, notices: string[]): Promise<{ index: DenseIndex; queryVector: Float32Array } | undefined> {
  if (!deps.dense) return undefined;
  try {
    const [queryVector] = await deps.dense.embedder.embed([text]);
    return queryVector ? { index: deps.dense.index, queryVector } : undefined;
  } catch {
    notices.push('Semantic search was unavailable (the embedding model did not answer); matched by words only.');
    return undefined;
  }
}

export function answerQuestion(deps: BriefingDeps, input: AskInput): Promise<Result<Brief, AppFailure>> {
  return timed('ask', answerOf(deps, input));
}

async function answerOf(deps: BriefingDeps, input: AskInput): Promise<Result<Brief, AppFailure>> {
  if (!input.question.trim()) return fail({ code: 'empty-query' });
  let topic: { matcher: TopicMatcher; bit: number } | undefined;
  if (input.topic) {
    const found = findTopic(deps, input.topic);
    if (!found.ok) return found;
    topic = found.value;
  }
  if (deps.searcher.data.articleIds.length === 0) return fail({ code: 'no-articles', topic: topic?.matcher.topic.title ?? null });
  const matchers = topic ? [topic.matcher] : deps.matchers;
  // A follow-up ("and the year after?") is rewritten to stand alone when a model is there to do it.
  const question = input.context && deps.condense ? await deps.condense(input.context, input.question, modelCall(input)) : input.question;
  // Earlier turns of a conversation sharpen retrieval, but only the question itself decides coverage.
  const terms = queryTerms(question, matchers, true, deps.now());
  const searchTerms = input.context
    ? [...terms, ...queryTerms(input.context, matchers).filter((t) => !terms.some((own) => own.term === t.term)).map((t) => ({ ...t, weight: t.weight * 0.3 }))]
    : terms;
  const now = deps.now();
  const retrievalNotices: string[] = [];
  const dense = await denseQuery(deps, question, retrievalNotices);
  const hits = await retrieve(deps, weighTerms(searchTerms, (term) => deps.searcher.idf(term)), {
    k: ANSWER_HITS, filter: { topicBit: topic?.bit }, now, halfLifeDays: deps.halfLifeDays, recencyWeight: QUESTION_RECENCY_WEIGHT, dense,
  });
  const termsOf = (text: string, article: Hit['article']) => new Set([...tokenize(text), ...entityTerms(deps.matchers, text), ...dateTerms(article.publishedAt)]);
  const { draft, cited } = extractiveAnswer({ question, terms, hits, idf: (term) => deps.searcher.idf(term), termsOf });
  draft.notices.push(...retrievalNotices);
  const meta = { topic: topic?.matcher.topic.slug ?? null, period: { since: null, until: isoDay(now) }, question: input.question };
  // Nothing answers the question: the model is not asked to guess.
  if (!deps.model || draft.claims.length === 0) return ok(toBrief(draft, cited, meta));
  return ok(await rewriteWithModel(deps.model, { draft, cited }, { ...meta, kind: 'ask', topicTitle: topic?.matcher.topic.title ?? null, minPoints: 1 }, hits, modelCall(input)));
}

export async function searchPassages(deps: BriefingDeps, input: SearchInput): Promise<Result<Hit[], AppFailure>> {
  if (!input.query.trim()) return fail({ code: 'empty-query' });
  let bit: number | undefined;
  let matchers = deps.matchers;
  if (input.topic) {
    const found = findTopic(deps, input.topic);
    if (!found.ok) return found;
    bit = found.value.bit;
    matchers = [found.value.matcher];
  }
  const terms = queryTerms(input.query, matchers, input.expandAliases ?? true, deps.now());
  const dense = input.expandAliases === false || input.hybrid === false ? undefined : await denseQuery(deps, input.query, []);
  return ok(await retrieve(deps, weighTerms(terms, (term) => deps.searcher.idf(term)), {
    k: input.k, filter: { topicBit: bit }, now: deps.now(), halfLifeDays: deps.halfLifeDays, recencyWeight: QUESTION_RECENCY_WEIGHT, dense,
  }));
}

export type SourcesOverview = { articles: number; outlets: { outlet: string; articles: number; newest: string }[] };

/** Outlets with their article counts and newest article date, most articles first. */
export function sourcesOverview(searcher: Bm25Searcher): SourcesOverview {
  const { articleOutlet, articleDay, outlets } = searcher.data;
  const counts = outlets.map((outlet) => ({ outlet, articles: 0, newestDay: Number.MIN_SAFE_INTEGER }));
  articleOutlet.forEach((outlet, i) => {
    const entry = counts[outlet]!;
    entry.articles++;
    entry.newestDay = Math.max(entry.newestDay, articleDay[i]!);
  });
  return {
    articles: articleOutlet.length,
    outlets: counts
      .sort((a, b) => b.articles - a.articles || a.outlet.localeCompare(b.outlet))
      .map(({ outlet, articles, newestDay }) => ({ outlet, articles, newest: isoDay(new Date(newestDay * 86_400_000)) })),
  };
}
