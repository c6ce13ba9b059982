import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedsFor, loadFeedList, type FeedList } from '../../../src/ingest/feed-list.ts';
import { REPO, tempDir } from '../../support/temp-app.ts';

describe('feed list', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('ships a valid china-dprk list with English, Korean and Chinese feeds from both state and independent media', async () => {
    const feeds = feedsFor(await loadFeedList(join(REPO, 'data/feeds.json')), 'china-dprk');
    expect(new Set(feeds.map((feed) => feed.language))).toEqual(new Set(['en', 'ko', 'zh']));
    expect(feeds.some((feed) => feed.stateMedia)).toBe(true);
    expect(feeds.some((feed) => !feed.stateMedia)).toBe(true);
    expect(feeds.every((feed) => feed.url.startsWith('http'))).toBe(true);
  });

  it('names the file, the entry and the field of a bad feed', async () => {
    const path = join(dir.path, 'feeds.json');
    await writeFile(path, JSON.stringify({ 'china-dprk': [{ name: 'X', url: 'ftp://x.test/feed', outlet: 'X', language: 'en', kind: 'rss', stateMedia: false }] }));
    await expect(loadFeedList(path)).rejects.toThrow(`${path}: china-dprk.0.url: expected an http:// or https:// feed address`);
  });

  it('polls a feed listed under two topics once, and refuses a topic without feeds by naming the ones it has', () => {
    const shared = { name: 'Wire', url: 'https://wire.test/feed', outlet: 'Wire', language: 'en', kind: 'rss', stateMedia: false } as const;
    const list: FeedList = { 'china-dprk': [shared], 'china-russia': [shared, { ...shared, url: 'https://other.test/feed' }] };
    expect(feedsFor(list).map((feed) => feed.url)).toEqual(['https://wire.test/feed', 'https://other.test/feed']);
    expect(() => feedsFor(list, 'sahel')).toThrow('No feeds for topic "sahel". Topics with feeds: china-dprk, china-russia.');
  });
});
