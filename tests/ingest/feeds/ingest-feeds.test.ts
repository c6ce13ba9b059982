import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleId } from '../../../src/ingest/article-id.ts';
import type { FeedSource } from '../../../src/ingest/feed-list.ts';
import { httpFetcher } from '../../../src/ingest/http-fetcher.ts';
import { probeFeed } from '../../../src/ingest/probe-feed.ts';
import { ingestFeeds, type FeedArticle, type FeedRunDeps, type FeedRunReport } from '../../../src/ingest/ingest-feeds.ts';
import type { ArticleStore } from '../../../src/store/article-store.ts';
import { feedStates, keyvFeedState } from '../../../src/store/keyv-feed-state.ts';
import { keyvArticleStore } from '../../../src/store/keyv-article-store.ts';
import { keyvStoryStore } from '../../../src/store/keyv-story-store.ts';
import { loadTopics } from '../../../src/topics/load-topics.ts';
import { topicMatcher } from '../../../src/topics/topic-matcher.ts';
import { captureLog } from '../../support/capture-log.ts';
import { feedServer, type FeedServer } from '../../support/feed-server.ts';
import { REPO, TEST_NOW, tempDir } from '../../support/temp-app.ts';

const MINUTE = 60_000;
const BACKOFF = { baseMs: 10 * MINUTE, maxMs: 24 * 60 * MINUTE };

describe('feed ingest', () => {
  let server: FeedServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let deps: FeedRunDeps;
  let store: ArticleStore;
  let lines: Record<string, unknown>[];
  let clock = TEST_NOW;
  let feeds: FeedSource[];
  let first: FeedRunReport;

  const feed = (name: string, path: string, outlet = name): FeedSource => ({ name, url: `${server.url}${path}`, outlet, language: 'en', kind: 'rss', stateMedia: false });
  const article = (report: FeedRunReport, url: string): FeedArticle | undefined => report.feeds.flatMap((f) => f.articles).find((a) => a.url === url);
  const run = () => ingestFeeds(deps, feeds, { backoff: BACKOFF });

  beforeAll(async () => {
    server = await feedServer();
    dir = await tempDir();
    const storeUrl = `sqlite://${join(dir.path, 'store.sqlite')}`;
    const captured = captureLog();
    lines = captured.lines;
    store = keyvArticleStore(storeUrl, captured.log);
    deps = {
      store,
      feedState: keyvFeedState(storeUrl, captured.log),
      stories: keyvStoryStore(storeUrl, captured.log),
      fetcher: httpFetcher({ allowLoopback: true, hostDelayMs: 0, totalTimeoutMs: 3000 }),
      matchers: (await loadTopics(join(REPO, 'data/topics'))).map(topicMatcher),
      log: captured.log,
      now: () => clock,
    };
    feeds = [
      feed('Border Wire', '/rss2.xml'),
      { ...feed('Peninsula Monitor', '/atom.xml'), kind: 'atom' },
      { ...feed('Old Wire', '/rdf.xml'), kind: 'rdf' },
      feed('Broken Feed', '/malformed.xml'),
      feed('Down Feed', '/status/500'),
      feed('Teaser Times', '/summary.xml'),
      { ...feed('Xinhua Test', '/wire-a.xml', 'Xinhua'), stateMedia: true },
      { ...feed('Global Times Test', '/wire-b.xml', 'Global Times'), stateMedia: true },
      feed('Korea Wire Test', '/wire-c.xml', 'Korea Wire'),
    ];
    first = await run();
  });
  afterAll(async () => {
    await deps.fetcher.close();
    await Promise.all([store.close(), deps.feedState.close(), deps.stories.close()]);
    await server.close();
    await dir.remove();
  });

  it('fails a malformed feed and a failing server with their reasons and ingests every other feed', () => {
    expect(first.feeds.map((f) => [f.name, f.status])).toEqual([
      ['Border Wire', 'ok'], ['Peninsula Monitor', 'ok'], ['Old Wire', 'ok'], ['Broken Feed', 'failed'], ['Down Feed', 'failed'],
      ['Teaser Times', 'ok'], ['Xinhua Test', 'ok'], ['Global Times Test', 'ok'], ['Korea Wire Test', 'ok'],
    ]);
    expect(first.feeds.find((f) => f.name === 'Broken Feed')?.reason).toBe('not a readable RSS, Atom, RDF or JSON feed (Invalid feed format)');
    expect(first.feeds.find((f) => f.name === 'Down Feed')?.reason).toBe(`HTTP 500: ${server.url}/status/500`);
    expect(first).toMatchObject({ fetched: 7, notModified: 0, failed: 2, new: 12, duplicate: 2, updated: 0, unchanged: 0 });
  });

  it('logs every failed feed with its reason and one summary line per run', () => {
    // Feeds run concurrently, so their log lines come in the order the servers answered.
    expect(lines.filter((line) => line.msg === 'feed failed').map((line) => [line.feed, line.reason]).sort()).toEqual([
      [`${server.url}/malformed.xml`, 'not a readable RSS, Atom, RDF or JSON feed (Invalid feed format)'],
      [`${server.url}/status/500`, `HTTP 500: ${server.url}/status/500`],
    ]);
    expect(lines.filter((line) => line.msg === 'feed run finished')).toEqual([
      expect.objectContaining({ fetched: 7, notModified: 0, new: 12, updated: 0, duplicate: 2, failed: 2 }),
    ]);
  });

  it('logs a skipped item with its reason and keeps the rest of the feed', () => {
    expect(first.feeds[0]).toMatchObject({ items: 4, skipped: [{ item: 'item 5', reason: 'no title' }, { item: 'An item without a link', reason: 'no link' }] });
    expect(lines.filter((line) => line.msg === 'skipped feed item').map((line) => line.reason)).toEqual(['no title', 'no link']);
  });

  it('gives three outlets\' copies of one wire story one story id, counting one as new and two as duplicates', async () => {
    const copies = ['https://xinhua.test/20261126/liu-pyongyang', 'https://gt.test/page/202611/liu-visit.html?utm_source=rss&utm_medium=feed', 'https://koreawire.test/view/AEN20261126'].map((url) => article(first, url));
    expect(copies.map((copy) => copy?.status)).toEqual(['new', 'duplicate', 'duplicate']);
    expect(new Set(copies.map((copy) => copy?.storyId))).toEqual(new Set([copies[0]?.storyId]));
    expect(article(first, 'https://koreawire.test/view/AEN20261125')?.storyId).not.toBe(copies[0]?.storyId);
    // All three are stored, so a brief can cite every outlet of the story.
    expect((await store.getMany(copies.map((copy) => copy!.id))).map((stored) => stored?.article.outlet)).toEqual(['Xinhua', 'Global Times', 'Korea Wire']);
    expect(await deps.stories.get(copies[2]!.id)).toMatchObject({ storyId: copies[0]?.storyId, outlet: 'Korea Wire' });
    const storyIds = await deps.stories.storyIds([...copies.map((copy) => copy!.id), 'u-never-seen']);
    expect([...storyIds.values()]).toEqual([copies[0]?.storyId, copies[0]?.storyId, copies[0]?.storyId]);
  });

  it('fetches the full text of a summary-only item from its page, taking the page\'s date when the feed had none', async () => {
    const full = article(first, `${server.url}/articles/full.html`)!;
    expect(full.notes).toEqual(['no publication date; used the fetch time', 'full text from the article page', 'date taken from the article page']);
    const stored = await store.get(full.id);
    expect(stored?.article).toMatchObject({ outlet: 'Teaser Times', publishedAt: new Date('2026-11-24T05:00:00Z') });
    expect(stored?.article.text).toContain('General Administration of Customs');
    expect(stored?.article.text).not.toContain('Home | World');
    expect(stored?.article.partial).toBeUndefined();
  });

  it('keeps the feed summary, marked partial, for a page robots.txt disallows, and never requests that page', async () => {
    const report = article(first, `${server.url}/articles/private/report.html`)!;
    expect(report).toMatchObject({ partial: true, notes: [`kept the feed summary: robots.txt disallows ${server.url}/articles/private/report.html`] });
    expect((await store.get(report.id))?.article.text).toBe('Smuggling along the Yalu between China and North Korea is rising, a report says.');
    expect(server.requests.filter((request) => request.path.startsWith('/articles/private'))).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'article page not fetched', code: 'robots-disallowed' }));
  });

  it('marks an article cut at a paywall partial and keeps only the text before the cut', async () => {
    const paywalled = article(first, `${server.url}/articles/paywalled.html`)!;
    expect(paywalled).toMatchObject({ partial: true, notes: ['full text from the article page', 'cut short at a paywall'] });
    const text = (await store.get(paywalled.id))?.article.text ?? '';
    expect(text).toMatch(/they cannot\.$/);
    expect(text).not.toContain('Subscribe');
  });

  it('stores an item dated in the future at the fetch time and says why in its notes', async () => {
    const future = article(first, 'https://border.test/2026/11/delegation')!;
    expect(future.notes).toEqual(['date 2031-03-01T00:00:00.000Z is in the future; used the fetch time']);
    expect((await store.get(future.id))?.article.publishedAt).toEqual(TEST_NOW);
  });

  it('tags each article with the topics whose rule it meets, and only those', () => {
    expect(article(first, 'https://peninsula.test/news/yalu-bridge')?.topics).toEqual(['china-dprk']);
    expect(article(first, 'https://peninsula.test/news/kospi')?.topics).toEqual([]);
  });

  it('stores a feed article under the id of its canonical URL, as file ingest does, and bumps the revision once', async () => {
    const id = articleId({ url: 'https://border.test/2026/11/dandong-bridge?id=7', text: '' });
    expect(article(first, 'https://border.test/2026/11/dandong-bridge?utm_source=rss&id=7')?.id).toBe(id);
    expect((await store.get(id))?.article.title).toBe('Dandong traders report a “busy” bridge — customs data');
    expect(await store.revision()).toBe(1);
  });

  it('sends only conditional requests on a second run of unchanged feeds and stores nothing new', async () => {
    server.requests.length = 0;
    clock = new Date(TEST_NOW.getTime() + MINUTE);
    const second = await run();
    expect(second).toMatchObject({ fetched: 0, notModified: 7, new: 0, updated: 0, duplicate: 0, failed: 0, backingOff: 2 });
    expect(server.requests.map((request) => request.path).sort()).toEqual(['/atom.xml', '/rdf.xml', '/rss2.xml', '/summary.xml', '/wire-a.xml', '/wire-b.xml', '/wire-c.xml']);
    expect(server.requests.every((request) => typeof request.headers['if-none-match'] === 'string')).toBe(true);
    expect(await store.revision()).toBe(1);
  });

  it('leaves a failing feed alone while it backs off, then retries it and doubles the wait', async () => {
    const down = `${server.url}/status/500`;
    expect((await deps.feedState.get(down))).toMatchObject({ failures: 1, nextAttemptAt: new Date(TEST_NOW.getTime() + 10 * MINUTE), lastError: `HTTP 500: ${down}` });
    server.requests.length = 0;
    clock = new Date(TEST_NOW.getTime() + 11 * MINUTE);
    const third = await run();
    expect(third.feeds.find((f) => f.url === down)?.status).toBe('failed');
    expect(server.requests.filter((request) => request.path === '/status/500')).toHaveLength(1);
    expect(await deps.feedState.get(down)).toMatchObject({ failures: 2, nextAttemptAt: new Date(clock.getTime() + 20 * MINUTE) });
    const views = await feedStates(deps.feedState, clock);
    expect(views.slice(0, 2).map((view) => [view.url, view.status, view.failures])).toEqual([
      [`${server.url}/malformed.xml`, 'backing-off', 2],
      [down, 'backing-off', 2],
    ]);
    expect(views.filter((view) => view.status === 'ok')).toHaveLength(7);
  });

  it('updates a changed article in place under the same id and keeps its story', async () => {
    const before = article(first, 'https://xinhua.test/20261126/liu-pyongyang')!;
    const original = (await store.get(before.id))!.article.text;
    const { readFile } = await import('node:fs/promises');
    const xml = await readFile(join(REPO, 'tests/fixtures/feeds/wire-a.xml'), 'utf8');
    server.override('/wire-a.xml', xml.replace('He will return to Beijing on Thursday.', 'He returned to Beijing on Thursday evening.'));
    clock = new Date(TEST_NOW.getTime() + 12 * MINUTE);
    const fourth = await run();
    expect(fourth).toMatchObject({ fetched: 1, updated: 1, new: 0 });
    expect(article(fourth, 'https://xinhua.test/20261126/liu-pyongyang')).toMatchObject({ id: before.id, storyId: before.storyId, status: 'updated' });
    expect((await store.get(before.id))?.article.text).not.toBe(original);
    expect(await store.revision()).toBe(2);
  });

  it('accepts an address that serves a feed when an admin adds one, and refuses an HTML page and an internal address', async () => {
    expect(await probeFeed(deps.fetcher, `${server.url}/redirect/1/atom.xml`, clock)).toEqual({ ok: true, value: { format: 'atom', title: 'Peninsula Monitor', items: 2, finalUrl: `${server.url}/atom.xml` } });
    expect(await probeFeed(deps.fetcher, `${server.url}/articles/full.html`, clock)).toMatchObject({ ok: false, error: expect.stringContaining('not a readable RSS') });
    expect(await probeFeed(deps.fetcher, 'http://169.254.169.254/latest/', clock)).toEqual({ ok: false, error: 'refused: 169.254.169.254, a metadata address' });
  });
});

describe('HTML index feed ingest', () => {
  it('ingests the articles a section front links to, each with the full text of its page, and nothing off the loopback server', async () => {
    const server = await feedServer();
    const dir = await tempDir();
    const storeUrl = `sqlite://${join(dir.path, 'store.sqlite')}`;
    const { log } = captureLog();
    const deps: FeedRunDeps = {
      store: keyvArticleStore(storeUrl, log),
      feedState: keyvFeedState(storeUrl, log),
      stories: keyvStoryStore(storeUrl, log),
      fetcher: httpFetcher({ allowLoopback: true, hostDelayMs: 0, totalTimeoutMs: 3000 }),
      matchers: [],
      log,
      now: () => TEST_NOW,
    };
    try {
      const { readFile } = await import('node:fs/promises');
      server.override('/section.html', (await readFile(join(REPO, 'tests/fixtures/feeds/section.html'), 'utf8')).replaceAll('https://www.teaser.test', server.url));
      const report = await ingestFeeds(deps, [{ name: 'Teaser World', url: `${server.url}/section.html`, outlet: 'Teaser Times', language: 'en', kind: 'html-index', stateMedia: false }]);

      expect(report).toMatchObject({ fetched: 1, failed: 0, new: 3 });
      expect(report.feeds[0]?.articles.map((a) => [a.title, a.url, a.partial, a.notes])).toEqual([
        ['China and North Korea sign customs agreement', `${server.url}/articles/full.html`, false, ['no publication date; used the fetch time', 'full text from the article page', 'date taken from the article page']],
        ['Rail link to Sinuiju reopens for freight', `${server.url}/articles/rail-link.html?ref=section`, false, ['no publication date; used the fetch time', 'full text from the article page', 'date taken from the article page']],
        ['Yalu traders count the cost of new checks', `${server.url}/articles/yalu-trade.html`, false, ['no publication date; used the fetch time', 'full text from the article page']],
      ]);
      const stored = await deps.store.getMany(report.feeds[0]!.articles.map((a) => a.id));
      expect(stored.map((entry) => entry?.article.publishedAt)).toEqual([new Date('2026-11-24T05:00:00Z'), new Date('2026-11-25T08:00:00Z'), TEST_NOW]);
      expect(stored[2]?.article.text).toMatch(/^Small traders on the Chinese bank of the Yalu River/);
      expect(stored.every((entry) => entry?.article.outlet === 'Teaser Times' && !entry.article.text.includes('Home | World'))).toBe(true);
      // robots.txt first, then the index, then its three same-site stories: never the promo, the pager or other.test.
      expect(server.requests.map((request) => request.path)).toEqual(['/robots.txt', '/section.html', '/articles/full.html', '/articles/rail-link.html', '/articles/yalu-trade.html']);
    } finally {
      await deps.fetcher.close();
      await Promise.all([deps.store.close(), deps.feedState.close(), deps.stories.close()]);
      await server.close();
      await dir.remove();
    }
  });
});
