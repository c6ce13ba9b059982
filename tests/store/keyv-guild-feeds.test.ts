import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { keyvGuildFeeds, type GuildFeed, type GuildFeedStore } from '../../src/store/keyv-guild-feeds.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';
import { tempDir } from '../support/temp-app.ts';

const feed = (url: string, name = 'Desk'): GuildFeed => ({
  name, url, outlet: name, language: 'en', kind: 'rss', stateMedia: false, topic: 'china-dprk', addedBy: '200000000000000001', addedAt: new Date('2026-11-27T12:00:00Z'),
});

describe('guild feed store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let storeUrl: string;
  let store: GuildFeedStore;
  beforeAll(async () => {
    dir = await tempDir();
    storeUrl = `sqlite://${join(dir.path, 'store.sqlite')}`;
    store = keyvGuildFeeds(storeUrl, silentLogger());
  });
  afterAll(async () => {
    await store.close();
    await dir.remove();
  });

  it('keeps both feeds when two are added to one server at the same time', async () => {
    await Promise.all([store.add('1', feed('https://a.test/rss')), store.add('1', feed('https://b.test/rss'))]);
    expect((await store.list('1')).map((entry) => entry.url).sort()).toEqual(['https://a.test/rss', 'https://b.test/rss']);
  });

  it('replaces a feed added again at the same address, and gives dates back as dates', async () => {
    await store.add('2', feed('https://a.test/rss', 'Old'));
    await store.add('2', feed('https://a.test/rss', 'New'));
    const [only, ...rest] = await store.list('2');
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ name: 'New', addedAt: new Date('2026-11-27T12:00:00Z') });
  });

  it('lists every server by its id and removes a feed by its address', async () => {
    await store.add('3', feed('https://c.test/rss'));
    expect((await store.all()).map((guild) => guild.guildId).sort()).toEqual(['1', '2', '3']);
    expect(await store.remove('3', 'https://c.test/rss')).toMatchObject({ url: 'https://c.test/rss' });
    expect(await store.remove('3', 'https://c.test/rss')).toBeUndefined();
    expect((await store.all()).map((guild) => guild.guildId).sort()).toEqual(['1', '2']);
  });

  it('drops a stored record that no longer parses instead of failing the whole list', async () => {
    const raw = openKeyv<unknown>(storeUrl, 'guild-feed', silentLogger());
    await raw.set('4', [{ name: 'no url' }, feed('https://d.test/rss')]);
    await raw.disconnect();
    expect((await store.list('4')).map((entry) => entry.url)).toEqual(['https://d.test/rss']);
  });
});
