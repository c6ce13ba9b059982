import type { Logger } from '../log.ts';
import type { Article } from '../model.ts';
import { metrics } from '../ops/metrics.ts';
import { wordCount } from '../retrieval/tokenize.ts';
import type { ArticleStore } from '../store/article-store.ts';
import type { TopicMatcher } from '../topics/topic-matcher.ts';
import type { FeedSource } from './feed-list.ts';
import { afterFailure, afterSuccess, BACKOFF_DEFAULTS, initialState, isBackingOff, type BackoffPolicy, type FeedState, type FeedStateStore } from './feed-state.ts';
import { explainFetchFailure, type Fetcher } from './fetcher.ts';
import { ingestParsed } from './ingest.ts';
import { normalizeArticle, type ArticleInput } from './normalize.ts';
import { checkItemDate, parseFeedDocument, type FeedItem, type FeedSkip } from './parse-feed.ts';
import { parseHtmlIndex } from './parse-html-index.ts';
import { assignStories, type StoryDecision, type StoryStore } from './stories.ts';

export type FeedRunDeps = {
  store: ArticleStore;
  feedState: FeedStateStore;
  stories: StoryStore;
  fetcher: Fetcher;
  matchers: readonly TopicMatcher[];
  log: Logger;
  now: () => Date;
};

export type FeedRunOptions = {
  /** An item with fewer words than this is a summary, and its article page is fetched. Default 80. */
  summaryWords?: number;
  backoff?: BackoffPolicy;
  /** How far back new articles are compared with stored ones for copies of one story, days. Default 14. */
  storyWindowDays?: number;
};

export type ArticleStatus = 'new' | 'duplicate' | 'updated' | 'unchanged';
export type FeedArticle = { id: string; title: string; url: string; storyId: string; topics: string[]; status: ArticleStatus; partial: boolean; notes: string[] };
export type FeedStatus = 'ok' | 'not-modified' | 'failed' | 'backing-off';
export type FeedReport = {
  name: string;
  url: string;
  status: FeedStatus;
  /** Items the feed carried that could be used. */
  items: number;
  new: number;
  duplicate: number;
  reason?: string;
  skipped: FeedSkip[];
  articles: FeedArticle[];
};
export type FeedRunReport = {
  /** Feeds that answered with a body. */
  fetched: number;
  notModified: number;
  /** Articles that start a story. */
  new: number;
  updated: number;
  /** Articles that are copies of a story already known (exact or near), or listed by two feeds. */
  duplicate: number;
  unchanged: number;
  failed: number;
  backingOff: number;
  feeds: FeedReport[];
};

type Collected = { report: FeedReport; inputs: { input: ArticleInput; notes: string[] }[]; state?: FeedState };

const DAY_MS = 24 * 60 * 60_000;

async function fullText(deps: FeedRunDeps, feed: FeedSource, item: FeedItem, feedLog: Logger): Promise<{ text: string; date?: Date; note: string; partial: boolean }> {
  const page = await deps.fetcher.fetch({ url: item.url, purpose: 'page' });
  if (!page.ok) {
    const reason = explainFetchFailure(page.error);
    feedLog.warn({ page: item.url, code: page.error.code, reason }, 'article page not fetched');
    return { text: item.text, note: `kept the feed summary: ${reason}`, partial: true };
  }
  if (page.value.status !== 200) return { text: item.text, note: 'kept the feed summary: the page answered 304', partial: true };
  // Readability and linkedom load in half a second; a run whose feeds carry full text never needs them.
  const { parseHtml } = await import('./parse-html.ts');
  const parsed = parseHtml(page.value.text, { url: item.url, outlet: feed.outlet, date: item.publishedAt }).articles[0];
  if (!parsed || wordCount(parsed.text) <= wordCount(item.text)) {
    return { text: item.text, note: 'kept the feed summary: the page had no more text', partial: true };
  }
  const pageDate = item.dateNote && parsed.publishedAt.getTime() !== item.publishedAt.getTime() ? checkItemDate(parsed.publishedAt.toISOString(), deps.now()) : undefined;
  return { text: parsed.text, ...(pageDate && !pageDate.note ? { date: pageDate.date } : {}), note: 'full text from the article page', partial: false };
}

async function collectFeed(deps: FeedRunDeps, feed: FeedSource, options: Required<FeedRunOptions>): Promise<Collected> {
  const feedLog = deps.log.child({ feed: feed.url });
  const report: FeedReport = { name: feed.name, url: feed.url, status: 'ok', items: 0, new: 0, duplicate: 0, skipped: [], articles: [] };
  const state = (await deps.feedState.get(feed.url)) ?? initialState(feed.url);
  const startedAt = deps.now();
  const fail = (reason: string, retryAfterMs?: number): Collected => {
    feedLog.warn({ reason }, 'feed failed');
    return { report: { ...report, status: 'failed', reason }, inputs: [], state: afterFailure(state, startedAt, reason, options.backoff, retryAfterMs) };
  };
  if (isBackingOff(state, startedAt)) {
    const reason = `backing off until ${state.nextAttemptAt.toISOString()} after ${state.failures} failure(s): ${state.lastError ?? 'unknown error'}`;
    feedLog.info({ nextAttemptAt: state.nextAttemptAt, failures: state.failures }, 'feed backing off');
    return { report: { ...report, status: 'backing-off', reason }, inputs: [] };
  }
  // An index page is crawled like an article page, so robots.txt is asked first; a feed is published to be polled.
  const index = feed.kind === 'html-index';
  const fetched = await deps.fetcher.fetch({ url: feed.url, purpose: index ? 'page' : 'feed', validators: { etag: state.etag, lastModified: state.lastModified } });
  if (!fetched.ok) return fail(explainFetchFailure(fetched.error), fetched.error.retryAfterMs);
  if (fetched.value.status === 304) {
    return { report: { ...report, status: 'not-modified' }, inputs: [], state: afterSuccess(state, startedAt, fetched.value.validators) };
  }
  const parsed = (index ? parseHtmlIndex : parseFeedDocument)(fetched.value.text, fetched.value.finalUrl, startedAt);
  if (!parsed.ok) return fail(parsed.error);

  for (const skip of parsed.value.skipped) feedLog.warn({ item: skip.item, reason: skip.reason }, 'skipped feed item');
  const inputs: Collected['inputs'] = [];
  const skipped = [...parsed.value.skipped];
  for (const item of parsed.value.items) {
    const notes: string[] = [];
    if (item.dateNote) {
      notes.push(item.dateNote);
      feedLog.info({ item: item.url, note: item.dateNote }, 'item date replaced by the fetch time');
    }
    let { text } = item;
    let date = item.publishedAt;
    let partial = false;
    if (wordCount(text) < options.summaryWords) {
      const full = await fullText(deps, feed, item, feedLog);
      ({ text, partial } = full);
      date = full.date ?? date;
      notes.push(full.note);
      if (full.date) notes.push('date taken from the article page');
    }
    if (!text.trim()) {
      const reason = 'no text in the feed, and the article page gave none';
      feedLog.warn({ item: item.url, reason }, 'skipped feed item');
      skipped.push({ item: item.title, reason });
      continue;
    }
    inputs.push({ input: { title: item.title, text, outlet: feed.outlet, publishedAt: date, url: item.url, language: feed.language, ...(partial ? { partial } : {}) }, notes });
  }
  return { report: { ...report, items: parsed.value.items.length, skipped }, inputs, state: afterSuccess(state, startedAt, fetched.value.validators) };
}

/**
 * Polls the feeds, turns their items into articles and stores them the way file ingest does (same
 * ids, hashes and revision bump). Copies of one story across outlets share a story id and count as
 * duplicates; each article is tagged with every topic whose rule it meets. One failing feed never
 * stops the others, and one summary line is logged per run.
 */
export async function ingestFeeds(deps: FeedRunDeps, feeds: readonly FeedSource[], options: FeedRunOptions = {}): Promise<FeedRunReport> {
  const settings: Required<FeedRunOptions> = { summaryWords: 80, backoff: BACKOFF_DEFAULTS, storyWindowDays: 14, ...options };
  const unique = [...new Map(feeds.map((feed) => [feed.url, feed])).values()];
  const collected = await Promise.all(
    unique.map((feed) =>
      collectFeed(deps, feed, settings).catch((err: unknown): Collected => {
        deps.log.error({ err, feed: feed.url }, 'feed run broke');
        return { report: { name: feed.name, url: feed.url, status: 'failed', items: 0, new: 0, duplicate: 0, reason: `internal error: ${(err as Error).message}`, skipped: [], articles: [] }, inputs: [] };
      }),
    ),
  );

  // Normalized here exactly as ingestParsed will, so ids and texts agree with what is stored.
  const entries = collected.flatMap((feed) => feed.inputs.map(({ input, notes }) => ({ feed, input, notes, article: normalizeArticle(input, input.url ?? feed.report.url) })));
  const firsts = [...new Map(entries.map((entry) => [entry.article.id, entry.article])).values()];
  const stories = await storiesFor(deps, firsts, settings.storyWindowDays);

  const stored = await ingestParsed(deps.store, collected.filter((feed) => feed.inputs.length > 0).map((feed) => ({ path: feed.report.url, result: { articles: feed.inputs.map((entry) => entry.input), skipped: [] } })), { countInMetrics: false });
  const added = new Set(stored.added.map((entry) => entry.id));
  const updated = new Set(stored.updated.map((entry) => entry.id));

  const seen = new Set<string>();
  for (const { feed, article, notes, input } of entries) {
    const story = stories.decisions.get(article.id)!;
    let status: ArticleStatus;
    if (seen.has(article.id)) status = 'duplicate';
    else if (added.has(article.id)) status = story.match === 'exact-copy' || story.match === 'near-copy' ? 'duplicate' : 'new';
    else status = updated.has(article.id) ? 'updated' : 'unchanged';
    seen.add(article.id);
    if (article.partial && !input.partial) notes.push('cut short at a paywall');
    const topics = deps.matchers.filter((matcher) => matcher.isOnTopic(article)).map((matcher) => matcher.topic.slug);
    feed.report.articles.push({ id: article.id, title: article.title, url: article.url, storyId: story.storyId, topics, status, partial: article.partial ?? false, notes });
    if (status === 'new') feed.report.new++;
    if (status === 'duplicate') feed.report.duplicate++;
    metrics.ingested.inc({ source: 'feed', result: status === 'new' ? 'added' : status });
    deps.log.debug({ feed: feed.report.url, articleId: article.id, storyId: story.storyId, topics, status }, 'feed article');
  }

  const changed = stories.records.filter((record) => added.has(record.articleId) || updated.has(record.articleId) || stories.decisions.get(record.articleId)?.match !== 'same-article');
  await deps.stories.putMany(changed);
  // Last, so a run that dies before storing its articles fetches the feeds in full next time.
  for (const { state } of collected) if (state) await deps.feedState.set(state);

  const reports = collected.map((feed) => feed.report);
  const skippedItems = reports.reduce((sum, feed) => sum + feed.skipped.length, 0);
  if (skippedItems > 0) metrics.ingested.inc({ source: 'feed', result: 'skipped' }, skippedItems);
  const count = (status: ArticleStatus) => reports.reduce((sum, feed) => sum + feed.articles.filter((article) => article.status === status).length, 0);
  const summary = {
    fetched: reports.filter((feed) => feed.status === 'ok').length,
    notModified: reports.filter((feed) => feed.status === 'not-modified').length,
    new: count('new'),
    updated: count('updated'),
    duplicate: count('duplicate'),
    unchanged: count('unchanged'),
    failed: reports.filter((feed) => feed.status === 'failed').length,
    backingOff: reports.filter((feed) => feed.status === 'backing-off').length,
  };
  deps.log.info(summary, 'feed run finished');
  return { ...summary, feeds: reports };
}

async function storiesFor(deps: FeedRunDeps, articles: readonly Article[], windowDays: number) {
  const recent = await deps.stories.recent(new Date(deps.now().getTime() - windowDays * DAY_MS));
  const inWindow = new Set(recent.map((record) => record.articleId));
  const older = await Promise.all(articles.filter((article) => !inWindow.has(article.id)).map((article) => deps.stories.get(article.id)));
  const { decisions, records } = assignStories(
    [...recent, ...older.filter((record) => record !== undefined)],
    articles.map((article) => ({ articleId: article.id, outlet: article.outlet, text: article.text, seenAt: deps.now() })),
  );
  return { decisions: new Map<string, StoryDecision>(decisions.map((decision) => [decision.articleId, decision])), records };
}
