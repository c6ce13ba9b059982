import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { feedServer, rssFixture, type FeedServer } from './support/feed-server.ts';
import { tempApp, tempDir } from './support/temp-app.ts';

const GUILD = '100000000000000001';
const ADMIN = '200000000000000001';

describe('guild feeds in the feed runtime', () => {
  let server: FeedServer;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    server = await feedServer();
    for (const name of ['listed', 'added']) server.override(`/${name}.xml`, rssFixture(`${name} desk`, [{ title: `A ${name} report`, slug: name, lead: `A ${name} report` }], server.url));
    const feedsDir = await tempDir();
    const feedsFile = join(feedsDir.path, 'feeds.json');
    await writeFile(feedsFile, JSON.stringify({ 'china-dprk': [{ name: 'Listed', url: `${server.url}/listed.xml`, outlet: 'Listed', language: 'en', kind: 'rss', stateMedia: false }] }));
    const created = await tempApp({ FEEDS_ALLOW_LOOPBACK: 'true', FEEDS_FILE: feedsFile });
    app = created.app;
    close = async () => {
      await created.close();
      await feedsDir.remove();
    };
  });
  afterAll(async () => {
    await close();
    await server.close();
  });

  it('names the feed from its own title and polls it with the feed list, each address once', async () => {
    const added = await app.addGuildFeed({ guildId: GUILD, url: `${server.url}/added.xml`, topic: 'china-dprk', addedBy: ADMIN });
    expect(added).toMatchObject({ ok: true, value: { feed: { url: `${server.url}/added.xml`, kind: 'rss', name: 'added desk', stateMedia: false, topic: 'china-dprk' } } });
    await app.addGuildFeed({ guildId: '100000000000000002', url: `${server.url}/added.xml`, topic: 'china-dprk', addedBy: ADMIN });
    const report = await app.ingestFeeds();
    expect(report.feeds.map((feed) => feed.url)).toEqual([`${server.url}/listed.xml`, `${server.url}/added.xml`]);
    expect((await app.feedHealth(GUILD)).map((feed) => [feed.name, feed.addedHere, feed.state?.status])).toEqual([
      ['added desk', true, 'ok'], ['Listed', false, 'ok'], // healthy feeds by outlet
    ]);
    expect((await app.feedHealth()).map((feed) => feed.name)).toEqual(['Listed']);
  }, 20_000);

  it('refuses, without fetching, an address already listed, an unknown topic and something that is not a web address', async () => {
    const before = server.requests.length;
    const add = (url: string, topic = 'china-dprk') => app.addGuildFeed({ guildId: GUILD, url, topic, addedBy: ADMIN });
    expect(await add(`${server.url}/listed.xml`)).toEqual({ ok: false, error: 'the bot already polls that feed for every server.' });
    expect(await add(`${server.url}/added.xml`)).toEqual({ ok: false, error: 'this server already follows that feed.' });
    expect(await add(`${server.url}/rss2.xml`, 'atlantis')).toEqual({ ok: false, error: 'there is no topic "atlantis". Known topics: china-dprk.' });
    expect(await add('file:///etc/passwd')).toEqual({ ok: false, error: 'that is not a web address: give the full address of the feed, starting with https://' });
    expect(server.requests.length).toBe(before);
  });

  it('refuses an address that answers but is not a feed, with the parser\'s reason', async () => {
    expect(await app.addGuildFeed({ guildId: GUILD, url: `${server.url}/malformed.xml`, topic: 'china-dprk', addedBy: ADMIN })).toEqual({
      ok: false, error: 'not a readable RSS, Atom, RDF or JSON feed (Invalid feed format)',
    });
    expect((await app.guildFeeds(GUILD)).map((feed) => feed.url)).toEqual([`${server.url}/added.xml`]);
  });
});
