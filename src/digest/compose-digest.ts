import { findTopic, PAYWALL_NOTICE, topicArticles, type BriefingDeps } from '../briefing.ts';
import { toBrief } from '../compose/draft.ts';
import { extractiveBrief, MAX_POINTS } from '../compose/extractive-brief.ts';
import { fitClaims } from '../compose/fit-brief.ts';
import { rewriteDigest } from '../compose/rewrite-with-model.ts';
import type { AppFailure } from '../failures.ts';
import { fail, isoDay, ok, type Brief, type Result } from '../model.ts';
import { metrics } from '../ops/metrics.ts';
import { toDay } from '../retrieval/bm25-index.ts';

export type DigestInput = {
  topic: string;
  /** Exclusive: the previous digest covered everything up to here. */
  since: Date;
  /** Inclusive: the tick this digest is for. */
  until: Date;
  /** BCP 47 primary tag for a model-written digest; offline digests quote their sources as written. */
  language: string;
};

/** A digest is a brief of what was published in (since, until]; `quiet` when nothing was. */
export type Digest = { brief: Brief; quiet: boolean; articles: number };

/** A digest is a handful of developments, not every story of the period. */
const DIGEST_MAX_POINTS = 5;
const DIGEST_MIN_POINTS = 1;
const MAX_DIGEST_ARTICLES = 300;

/**
 * What is new on a topic between two instants, as developments in the cited form of a brief. Unlike a
 * brief, an empty window stays empty (a digest never repeats older news); the caller decides whether a
 * quiet window posts its one line or nothing (DIGEST_QUIET).
 */
export async function composeDigest(deps: BriefingDeps, input: DigestInput): Promise<Result<Digest, AppFailure>> {
  const started = performance.now();
  const result = await digestOf(deps, input);
  if (result.ok && !result.value.quiet) metrics.composeSeconds.observe({ kind: 'digest', mode: result.value.brief.mode }, (performance.now() - started) / 1000);
  return result;
}

async function digestOf(deps: BriefingDeps, input: DigestInput): Promise<Result<Digest, AppFailure>> {
  const topic = findTopic(deps, input.topic);
  if (!topic.ok) return topic;
  if (input.since >= input.until) return fail({ code: 'bad-period', since: input.since.toISOString(), until: input.until.toISOString() });
  const { matcher, bit } = topic.value;
  const { searcher } = deps;
  // `since` is exclusive: the period starts on the day of the first instant after it.
  const period = { since: isoDay(new Date(input.since.getTime() + 1)), until: isoDay(input.until) };

  // The index knows days; the exact instants come from the articles themselves.
  const candidates = topicArticles(searcher, bit, toDay(input.since), toDay(input.until)).map((index) => searcher.data.articleIds[index]!);
  const inWindow = (await deps.store.getMany(candidates))
    .flatMap((entry) => (entry && entry.article.publishedAt > input.since && entry.article.publishedAt <= input.until ? [entry] : []))
    .slice(0, MAX_DIGEST_ARTICLES);
  const meta = { topic: matcher.topic.slug, period };
  if (inWindow.length === 0) {
    const notice = `No new reporting on ${matcher.topic.title} between ${period.since} and ${period.until}.`;
    return ok({ brief: { topic: matcher.topic.slug, mode: 'extractive', asOf: null, period, points: [], sources: [], notices: [notice] }, quiet: true, articles: 0 });
  }
  const ids = inWindow.map((entry) => entry.article.id);
  const stories = deps.storyIds ? await deps.storyIds(ids) : undefined;
  const { draft, cited } = extractiveBrief({
    articles: inWindow, matcher, idf: (term) => searcher.idf(term), until: input.until, halfLifeDays: deps.halfLifeDays, stories, maxPoints: Math.min(MAX_POINTS, DIGEST_MAX_POINTS),
  });
  if (inWindow.some((entry) => entry.article.partial)) draft.notices.unshift(PAYWALL_NOTICE);
  const fitted = fitClaims(draft.claims, (claims) => toBrief({ ...draft, claims }, cited, meta), DIGEST_MIN_POINTS);
  if (!deps.model || fitted.claims.length === 0) return ok({ brief: fitted.brief, quiet: false, articles: inWindow.length });
  // The model rewrites what the extractive composer chose (prompts/digest.md), in the subscription's language;
  // every failure falls back to the extractive digest with a notice saying why.
  const brief = await rewriteDigest(deps.model, { draft: { ...draft, claims: fitted.claims }, cited }, {
    topic: matcher.topic.slug, topicTitle: matcher.topic.title, period, language: input.language, minPoints: DIGEST_MIN_POINTS,
  });
  return ok({ brief, quiet: false, articles: inWindow.length });
}
