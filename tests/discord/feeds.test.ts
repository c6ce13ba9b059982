import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect } from 'vitest';
import type { App } from '../../src/app.ts';
import type { FeedSource } from '../../src/ingest/feed-list.ts';
import { feedServer, rssFixture, type FeedServer } from '../support/feed-server.ts';
import { tempDir } from '../support/temp-app.ts';
import { bodyOf, callbackFor, dataOf, editOf, isEphemeral, shownText, test as botTest } from './bot-fixture.ts';

const MANAGER = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.ManageGuild,
);

type FeedSite = { server: FeedServer; file: string; setFeeds: (feeds: FeedSource[]) => Promise<void>; feed: (name: string, path: string) => FeedSource };

const test = botTest.extend<{ site: FeedSite }>({
  site: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
    async ({}, use) => {
      const server = await feedServer();
      const dir = await tempDir('briefing-feeds-');
      const file = join(dir.path, 'feeds.json');
      const setFeeds = (feeds: FeedSource[]) => writeFile(file, JSON.stringify({ 'china-dprk': feeds }));
      await setFeeds([]);
      server.override('/desk.xml', rssFixture('Border Desk', [1, 2, 3].map((n) => ({ title: `Desk report ${n}`, slug: `desk-${n}`, lead: `Desk report ${n}` })), server.url));
      const feed = (name: string, path: string): FeedSource => ({ name, url: `${server.url}${path}`, outlet: name, language: 'en', kind: 'rss', stateMedia: false });
      await use({ server, file, setFeeds, feed });
      await server.close();
      await dir.remove();
    },
    { scope: 'file' },
  ],
}).override({ appEnv: [async ({ site }, use) => use({ FEEDS_FILE: site.file, FEEDS_ALLOW_LOOPBACK: 'true' }), { scope: 'file' }] });

describe('/feeds and feed health over the real discord.js client', () => {
  test('adds a feed for a member with Manage Server and says privately what it found', async ({ connect, site }) => {
    const { double, bot, app } = await connect();
    const ix = double.chatInput('feeds', [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: `${site.server.url}/desk.xml` }] }], { memberPermissions: MANAGER });
    const edit = await double.waitForRequest(editOf(ix.token), 15_000);
    await bot.idle();
    expect(bodyOf(double.requests.find(callbackFor(ix.token))!)).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(bodyOf(edit).content).toBe('Added: **Border Desk** — 3 items, under topic china-dprk. Its articles arrive with the next feed run; /sources shows how it is doing.');
    expect(await app.guildFeeds(double.guildId)).toMatchObject([{ name: 'Border Desk', url: `${site.server.url}/desk.xml`, topic: 'china-dprk', addedBy: '200000000000000001' }]);
  });

  test('refuses a feed that redirects to a private address, says why, and stores nothing', async ({ connect, site }) => {
    const { double, bot, app } = await connect();
    const ix = double.chatInput('feeds', [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: `${site.server.url}/to-private` }] }], { memberPermissions: MANAGER });
    const edit = await double.waitForRequest(editOf(ix.token), 15_000);
    await bot.idle();
    expect(bodyOf(edit).content).toBe("I didn't add that feed: refused: 10.0.0.7, a private address");
    expect(await app.guildFeeds(double.guildId)).toEqual([]);
  });

  test('tells a member without Manage Server that they need it, and fetches nothing', async ({ connect, site }) => {
    let adds = 0;
    const { double, bot } = await connect({ app: (app): App => ({ ...app, addGuildFeed: (input) => { adds++; return app.addGuildFeed(input); } }) });
    const ix = double.chatInput('feeds', [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: `${site.server.url}/desk.xml` }] }]);
    const callback = await double.waitForRequest(callbackFor(ix.token));
    await bot.idle();
    expect(isEphemeral(bodyOf(callback))).toBe(true);
    expect(dataOf(callback).content).toBe("Only members with the **Manage Server** permission can change this server's feeds. Ask a server admin.");
    expect(adds).toBe(0);
  });

  test("lists this server's feeds privately, and removes one", async ({ connect, site }) => {
    const { double, bot, app } = await connect();
    const added = await app.addGuildFeed({ guildId: double.guildId, url: `${site.server.url}/desk.xml`, topic: 'china-dprk', name: 'Desk', addedBy: '200000000000000009' });
    expect(added.ok).toBe(true);
    const list = double.chatInput('feeds', [{ name: 'list', type: 1 }], { memberPermissions: MANAGER });
    const listed = await double.waitForRequest(callbackFor(list.token));
    expect(isEphemeral(bodyOf(listed))).toBe(true);
    expect(shownText(bodyOf(listed))).toContain(`**Desk** — Desk · topic china-dprk · added by <@200000000000000009>`);
    expect(shownText(bodyOf(listed))).toContain(`\`${site.server.url}/desk.xml\``);

    const remove = double.chatInput('feeds', [{ name: 'remove', type: 1, options: [{ name: 'url', type: 3, value: `${site.server.url}/desk.xml` }] }], { memberPermissions: MANAGER });
    const removed = await double.waitForRequest(callbackFor(remove.token));
    await bot.idle();
    expect(dataOf(removed).content).toBe('Removed **Desk**. Articles already fetched from it stay in the store.');
    expect(await app.guildFeeds(double.guildId)).toEqual([]);
  });

  test('suggests the server\'s own feeds when removing one', async ({ connect, site }) => {
    const { double, app } = await connect();
    await app.addGuildFeed({ guildId: double.guildId, url: `${site.server.url}/desk.xml`, topic: 'china-dprk', name: 'Desk', addedBy: '200000000000000009' });
    const ix = double.autocomplete('feeds', [{ name: 'remove', type: 1, options: [{ name: 'url', type: 3, value: 'desk', focused: true }] }], { memberPermissions: MANAGER });
    const callback = await double.waitForRequest(callbackFor(ix.token));
    expect(dataOf(callback).choices).toEqual([{ name: `Desk — ${site.server.url}/desk.xml`, value: `${site.server.url}/desk.xml` }]);
  });

  test('shows a failing feed with its reason in /sources after a run, next to a healthy one', async ({ connect, site }) => {
    await site.setFeeds([site.feed('Desk Wire', '/feeds/desk.xml'), site.feed('Down Wire', '/status/500')]);
    const { double, bot, app } = await connect();
    const report = await app.ingestFeeds('china-dprk');
    expect(report.feeds.find((feed) => feed.name === 'Down Wire')?.status).toBe('failed');
    const ix = double.chatInput('sources');
    const edit = await double.waitForRequest(editOf(ix.token), 10_000);
    await bot.idle();
    const shown = shownText(bodyOf(edit));
    expect(shown).toMatch(/\*\*Down Wire\*\* — failing: HTTP 500: http\\:\/\/127\.0\.0\.1:\d+\/status\/500 \(1 in a row\) · backing off until <t:\d+:f> · no success yet/);
    expect(shown).toMatch(/\*\*Desk Wire\*\* — ok · last success <t:\d+:f>/);
    expect(shown).toContain('2 feeds: 1 ok, 1 failing, 0 not fetched yet');
    const feedLines = shown.slice(shown.indexOf('\nFeeds\n'));
    expect(feedLines.indexOf('**Down Wire**'), 'failing feeds first').toBeLessThan(feedLines.indexOf('**Desk Wire**'));
  });

  test('polls the feeds while serving: a new article becomes searchable without any command', async ({ connect, site }) => {
    site.server.override('/polled.xml', rssFixture('Polled Desk', [], site.server.url));
    await site.setFeeds([site.feed('Polled Desk', '/polled.xml')]);
    const { app } = await connect({ config: { FEED_POLL_MINUTES: 1 }, bot: { feedPollMs: 50 } });
    const word = 'Quokkaville';
    const found = async () => {
      const result = await app.search({ query: word, k: 3 });
      return result.ok ? result.value.filter((hit) => hit.passage.text.includes(word)) : [];
    };
    expect(await found()).toEqual([]);
    site.server.override('/polled.xml', rssFixture('Polled Desk', [{ title: `Trade fair opens in ${word}`, slug: 'quokkaville', lead: `A trade fair opened in ${word}` }], site.server.url));
    const deadline = Date.now() + 15_000;
    while ((await found()).length === 0) {
      if (Date.now() > deadline) throw new Error('the polled article never became searchable');
      await new Promise((done) => setTimeout(done, 100));
    }
    expect((await found())[0]?.passage.text).toContain(`A trade fair opened in ${word}`);
  }, 30_000);
});
