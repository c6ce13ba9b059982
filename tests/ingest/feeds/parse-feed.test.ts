import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParsedFeed } from '../../../src/ingest/parse-feed.ts';
import { wordCount } from '../../../src/retrieval/tokenize.ts';
import { FEED_FIXTURES } from '../../support/feed-server.ts';

const FETCHED_AT = new Date('2026-11-27T12:00:00Z');
const FEED_URL = 'http://feeds.test/path/feed.xml';

async function parse(file: string): Promise<ParsedFeed> {
  const result = parseFeedDocument(await readFile(join(FEED_FIXTURES, file), 'utf8'), FEED_URL, FETCHED_AT);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('feed parsing', () => {
  it('reads an RSS 2.0 item\'s content:encoded inside CDATA as plain paragraphs instead of its teaser', async () => {
    const [first] = (await parse('rss2.xml')).items;
    expect(first?.title).toBe('Xi & Kim hold talks in Beijing');
    expect(first?.text).toMatch(/^Chinese President Xi Jinping held talks/);
    expect(first?.text.split('\n\n')).toHaveLength(2);
    expect(first?.text).not.toContain('<p>');
  });

  it('resolves a relative item link against the feed URL', async () => {
    expect((await parse('rss2.xml')).items[0]?.url).toBe('http://feeds.test/2026/11/xi-kim-talks.html');
  });

  it('decodes numeric, named and double-escaped entities in titles and text', async () => {
    const dandong = (await parse('rss2.xml')).items[1];
    expect(dandong?.title).toBe('Dandong traders report a “busy” bridge — customs data');
    expect(dandong?.text).toContain('China’s exports to North Korea');
    expect(dandong?.url).toBe('https://border.test/2026/11/dandong-bridge?utm_source=rss&id=7');
  });

  it('takes dc:date when an RSS item has no pubDate', async () => {
    expect((await parse('rss2.xml')).items[1]?.publishedAt).toEqual(new Date('2026-11-25T09:30:00Z'));
  });

  it('dates an item without a date at the fetch time and says so', async () => {
    const undated = (await parse('rss2.xml')).items[2];
    expect(undated).toMatchObject({ publishedAt: FETCHED_AT, dateNote: 'no publication date; used the fetch time' });
  });

  it('dates an item dated years ahead at the fetch time and says so', async () => {
    const future = (await parse('rss2.xml')).items[3];
    expect(future).toMatchObject({ publishedAt: FETCHED_AT, dateNote: 'date 2031-03-01T00:00:00.000Z is in the future; used the fetch time' });
  });

  it('dates an item from before 1990 at the fetch time', () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><title>Old</title><link>https://a.test/x</link><pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item></channel></rss>';
    const result = parseFeedDocument(xml, FEED_URL, FETCHED_AT);
    expect(result).toMatchObject({ ok: true, value: { items: [{ publishedAt: FETCHED_AT, dateNote: expect.stringContaining('before 1990') }] } });
  });

  it('skips an item without a title or a link with its reason and keeps the others', async () => {
    const feed = await parse('rss2.xml');
    expect(feed.items).toHaveLength(4);
    expect(feed.skipped).toEqual([
      { item: 'item 5', reason: 'no title' },
      { item: 'An item without a link', reason: 'no link' },
    ]);
  });

  it('reads an Atom feed, taking the alternate link, the published date and HTML content', async () => {
    const feed = await parse('atom.xml');
    expect(feed.format).toBe('atom');
    expect(feed.items.map((item) => [item.url, item.publishedAt.toISOString()])).toEqual([
      ['https://peninsula.test/news/yalu-bridge', '2026-11-26T06:00:00.000Z'],
      ['https://peninsula.test/news/kospi', '2026-11-26T08:00:00.000Z'],
    ]);
    expect(feed.items[0]?.text).toMatch(/^The New Yalu River Bridge/);
  });

  it('reads an RDF (RSS 1.0) feed with its dc:date and time zone', async () => {
    const feed = await parse('rdf.xml');
    expect(feed).toMatchObject({ format: 'rdf', title: 'Old Wire (RDF)' });
    expect(feed.items[0]?.publishedAt).toEqual(new Date('2026-11-19T19:00:00Z'));
    expect(wordCount(feed.items[0]?.text ?? '')).toBeGreaterThan(80);
  });

  it('fails a malformed document as a whole with the parser\'s reason', async () => {
    const result = parseFeedDocument(await readFile(join(FEED_FIXTURES, 'malformed.xml'), 'utf8'), FEED_URL, FETCHED_AT);
    expect(result).toEqual({ ok: false, error: 'not a readable RSS, Atom, RDF or JSON feed (Invalid feed format)' });
  });

  it('fails an HTML page served where a feed was expected', () => {
    expect(parseFeedDocument('<!doctype html><html><body>Moved</body></html>', FEED_URL, FETCHED_AT)).toMatchObject({ ok: false });
  });

  it('skips an item whose link is not a web address', () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><title>Mail</title><link>mailto:desk@a.test</link></item></channel></rss>';
    expect(parseFeedDocument(xml, FEED_URL, FETCHED_AT)).toMatchObject({ ok: true, value: { items: [], skipped: [{ item: 'Mail', reason: 'link is not a web address (mailto:)' }] } });
  });
});
