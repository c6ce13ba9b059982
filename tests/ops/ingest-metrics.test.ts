import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fetcher } from '../../src/ingest/fetcher.ts';
import { ingestParsed } from '../../src/ingest/ingest.ts';
import { ingestFeeds } from '../../src/ingest/ingest-feeds.ts';
import { readSourceFiles } from '../../src/ingest/read-source-files.ts';
import { silentLogger } from '../../src/log.ts';
import { metrics } from '../../src/ops/metrics.ts';
import { keyvArticleStore } from '../../src/store/keyv-article-store.ts';
import { keyvFeedState } from '../../src/store/keyv-feed-state.ts';
import { keyvStoryStore } from '../../src/store/keyv-story-store.ts';

const FEED_FIXTURES = resolve(import.meta.dirname, '../fixtures/feeds');
const NOW = new Date('2026-11-27T12:00:00Z');

/** The process-wide counter's value for one label pair; tests compare before and after. */
async function ingested(source: 'file' | 'feed', result: string): Promise<number> {
  return (await metrics.ingested.get()).values.find((value) => value.labels.source === source && value.labels.result === result)?.value ?? 0;
}
async function snapshot(source: 'file' | 'feed') {
  const results = ['added', 'updated', 'unchanged', 'duplicate', 'skipped'] as const;
  return Object.fromEntries(await Promise.all(results.map(async (result) => [result, await ingested(source, result)] as const)));
}
const delta = (after: Record<string, number>, before: Record<string, number>) => Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));

/** Serves one fixture as the feed; article pages are not reachable, so teasers stay teasers. */
const fixtureFetcher = (feedUrl: string, file: string): Fetcher => ({
  async fetch(request) {
    if (request.url !== feedUrl) return { ok: false, error: { code: 'network', url: request.url, detail: 'offline test' } };
    const text = await readFile(join(FEED_FIXTURES, file), 'utf8');
    return { ok: true, value: { status: 200, url: feedUrl, finalUrl: feedUrl, text, contentType: 'application/rss+xml', charset: 'utf-8', bytes: text.length, validators: {} } };
  },
  close: async () => undefined,
});

describe('ingest metrics', () => {
  let dir: string;
  let storeUrl: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'briefing-metrics-'));
    storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('GIVEN files ingested twice THEN briefing_ingest_articles_total counts each outcome with source "file"', async () => {
    const store = keyvArticleStore(storeUrl, silentLogger());
    try {
      const incoming = join(dir, 'incoming');
      await mkdir(incoming);
      await writeFile(join(incoming, 'a.md'), '---\ntitle: Kim visits Beijing\noutlet: Wire\npublishedAt: 2026-01-01\n---\nKim Jong Un met Xi Jinping in Beijing.\n');
      await writeFile(join(incoming, 'b.md'), '---\ntitle: Rail link reopens\noutlet: Wire\npublishedAt: 2026-01-02\n---\nPassenger trains run again between Dandong and Sinuiju.\n');
      await writeFile(join(incoming, 'undated.txt'), 'A title\nNo date, so it is refused.');
      const ingest = async () => ingestParsed(store, await readSourceFiles(incoming, { maxBytes: 1024 * 1024 }));

      const before = await snapshot('file');
      const first = await ingest();
      const afterFirst = await snapshot('file');
      expect(first.added).toHaveLength(2);
      expect(delta(afterFirst, before)).toEqual({ added: 2, updated: 0, unchanged: 0, duplicate: 0, skipped: 1 });

      await ingest();
      expect(delta(await snapshot('file'), afterFirst)).toEqual({ added: 0, updated: 0, unchanged: 2, duplicate: 0, skipped: 1 });
    } finally {
      await store.close();
    }
  });

  it('GIVEN a feed run THEN each article is counted once with source "feed", and nothing as "file"', async () => {
    const feedUrl = 'https://border.test/rss.xml';
    const log = silentLogger();
    const deps = {
      store: keyvArticleStore(storeUrl, log),
      feedState: keyvFeedState(storeUrl, log),
      stories: keyvStoryStore(storeUrl, log),
      fetcher: fixtureFetcher(feedUrl, 'rss2.xml'),
      matchers: [],
      log,
      now: () => NOW,
    };
    try {
      const feeds = [{ name: 'Border Wire', url: feedUrl, outlet: 'Border Wire', language: 'en', kind: 'rss' as const, stateMedia: false }];
      const fileBefore = await snapshot('file');
      const before = await snapshot('feed');
      const report = await ingestFeeds(deps, feeds);
      const counted = delta(await snapshot('feed'), before);
      const skipped = report.feeds.reduce((sum, feed) => sum + feed.skipped.length, 0);
      expect(report.new).toBeGreaterThan(0);
      expect(counted).toEqual({ added: report.new, updated: report.updated, unchanged: report.unchanged, duplicate: report.duplicate, skipped });
      expect(delta(await snapshot('file'), fileBefore)).toEqual({ added: 0, updated: 0, unchanged: 0, duplicate: 0, skipped: 0 });

      const again = await snapshot('feed');
      const second = await ingestFeeds(deps, feeds);
      expect(delta(await snapshot('feed'), again)).toMatchObject({ added: 0, unchanged: second.unchanged });
      expect(second.unchanged).toBe(report.new + report.duplicate);
    } finally {
      await Promise.all([deps.store.close(), deps.feedState.close(), deps.stories.close()]);
    }
  });
});
