import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/model.ts';
import { parseFeedDocument, type FeedItem, type FeedSkip } from '../../src/ingest/parse-feed.ts';
import { MAX_INDEX_ITEMS, parseHtmlIndex } from '../../src/ingest/parse-html-index.ts';
import { hostileText } from './arbitraries.ts';

const FEED_FIXTURES = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));
const FETCHED_AT = new Date('2026-11-27T12:00:00Z');
const FEED_URL = 'http://feeds.test/path/feed.xml';
const INDEX_URL = 'https://teaser.test/world/';
const EARLIEST = Date.UTC(1990, 0, 1);
const DAY_MS = 24 * 60 * 60_000;

const FEEDS = readdirSync(FEED_FIXTURES).filter((file) => file.endsWith('.xml')).map((file) => readFileSync(join(FEED_FIXTURES, file), 'utf8'));
const SECTION = readFileSync(join(FEED_FIXTURES, 'section.html'), 'utf8');

/** Markup that breaks feeds in the wild: stray and unclosed tags, bad entities, CDATA, hostile links and dates. */
const MARKUP = [
  '<item>', '</item>', '<entry>', '</entry>', '<title>', '</title>', '<title></title>', '<title>   </title>', '<link>', '</link>', '<link href="#"/>',
  '<link>javascript:alert(1)</link>', '<link>mailto:x@y.z</link>', '<link>http://[::1</link>', '<link>//other.test/a</link>', '<link>../../up</link>',
  '<guid isPermaLink="true">not a url</guid>', '<guid/>', '<pubDate>not a date</pubDate>', '<pubDate>Tue, 24 Nov 2999 08:00:00 GMT</pubDate>',
  '<pubDate>1970-01-01</pubDate>', '<updated>-271821-04-20T00:00:00Z</updated>', '<![CDATA[', ']]>', '<![CDATA[<p>x</p>]]>', '&amp;', '&bogus;', '&#0;',
  '&#xD800;', '&#x110000;', '&#9999999999;', '&lt;script&gt;', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;',
  '<description><![CDATA[<script>alert(1)</script><p>text</p>]]></description>', '<content:encoded>', '</channel>', '</rss>', '"', "'", '<', '>', '/>',
  '\u0000', '\ufeff', '\r\n',
];

/** A real fixture with a few cuts, insertions and duplications. */
const mutatedFeed = (documents: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...documents),
      fc.array(
        fc.tuple(fc.constantFrom('delete', 'insert', 'duplicate'), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(fc.constantFrom(...MARKUP), hostileText(3))),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([document, mutations]) =>
      mutations.reduce((doc, [kind, at, length, insert]) => {
        const start = Math.floor(at * doc.length);
        const end = Math.min(doc.length, start + Math.floor(length * 200));
        if (kind === 'delete') return doc.slice(0, start) + doc.slice(end);
        if (kind === 'insert') return doc.slice(0, start) + insert + doc.slice(start);
        return doc.slice(0, end) + doc.slice(start, end) + doc.slice(end);
      }, document),
    );

/** JSON Feeds whose item fields hold any JSON value, not just the strings the spec asks for. */
const jsonField = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileText(4), fc.constantFrom('https://feeds.test/a', '/relative', 'javascript:alert(1)', '2024-05-01T00:00:00Z'));
const jsonFeed = fc
  .record({
    version: fc.constantFrom('https://jsonfeed.org/version/1.1', 'https://jsonfeed.org/version/1', 'nope'),
    title: jsonField,
    items: fc.oneof(
      fc.array(fc.record({ id: jsonField, title: jsonField, url: jsonField, external_url: jsonField, content_html: jsonField, content_text: jsonField, summary: jsonField, date_published: jsonField, date_modified: jsonField }, { requiredKeys: [] }), { maxLength: 5 }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  }, { requiredKeys: ['version'] })
  .map((feed) => JSON.stringify(feed));

const anyDocument = fc.oneof(
  { weight: 5, arbitrary: mutatedFeed(FEEDS) },
  { weight: 2, arbitrary: jsonFeed },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...MARKUP), hostileText(2)), { maxLength: 30 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
);

/** Every kept item is usable downstream; every skipped one says which item and why. */
function expectUsable(result: Result<{ items: FeedItem[]; skipped: FeedSkip[] }, string>, site?: string) {
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
    return;
  }
  for (const item of result.value.items) {
    expect(item.title.trim().length).toBeGreaterThan(0);
    const url = new URL(item.url);
    expect(['http:', 'https:']).toContain(url.protocol);
    if (site) expect(url.hostname.replace(/^www\./, '')).toBe(site);
    expect(typeof item.text).toBe('string');
    const time = item.publishedAt.getTime();
    expect(time).toBeGreaterThanOrEqual(EARLIEST);
    expect(time).toBeLessThanOrEqual(FETCHED_AT.getTime() + DAY_MS);
    if (item.guid !== undefined) expect(typeof item.guid).toBe('string');
  }
  for (const skip of result.value.skipped) {
    expect(typeof skip.item).toBe('string');
    expect(skip.reason.length).toBeGreaterThan(0);
  }
}

describe('feed parsing on hostile documents', () => {
  it('returns usable items and reasoned skips, or a failure with a reason, and never throws', () => {
    fc.assert(
      fc.property(anyDocument, (source) => {
        expectUsable(parseFeedDocument(source, FEED_URL, FETCHED_AT));
      }),
      { numRuns: 300 },
    );
  });

  it('skips one item whose title is emptied or whose link is hostile, says why, and keeps every other item', () => {
    const readable = FEEDS.filter((feed) => parseFeedDocument(feed, FEED_URL, FETCHED_AT).ok && /<item[\s>]/.test(feed));
    const breakages = [
      { find: /<title>[\s\S]*?<\/title>/, replace: '<title> </title>', reason: /^no title$/ },
      { find: /<link>[\s\S]*?<\/link>/, replace: '<link>javascript:alert(1)</link>', reason: /^(?:no title|link is not a web address \(javascript:\))$/ },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...readable), fc.nat(), fc.constantFrom(...breakages), (feed, pick, breakage) => {
        const items = [...feed.matchAll(/<item[\s>][\s\S]*?<\/item>/g)];
        const target = items[pick % items.length]!;
        const brokenItem = target[0].replace(breakage.find, breakage.replace);
        fc.pre(brokenItem !== target[0]);
        const broken = feed.slice(0, target.index) + brokenItem + feed.slice(target.index + target[0].length);
        const before = parseFeedDocument(feed, FEED_URL, FETCHED_AT);
        const after = parseFeedDocument(broken, FEED_URL, FETCHED_AT);
        expectUsable(after);
        if (!before.ok || !after.ok) throw new Error(`one broken item made the whole feed fail: ${after.ok ? '' : after.error}`);
        expect(after.value.items.length + after.value.skipped.length).toBe(before.value.items.length + before.value.skipped.length);
        expect(after.value.skipped.length).toBe(before.value.skipped.length + (after.value.items.length < before.value.items.length ? 1 : 0));
        const kept = new Set(before.value.items.map((item) => item.url));
        expect(after.value.items.filter((item) => !kept.has(item.url))).toEqual([]);
        expect(after.value.skipped.some((skip) => breakage.reason.test(skip.reason))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

const ANCHORS = [
  '<a href="/articles/one.html">One</a>', '<a href="https://www.teaser.test/a/two">Two</a>', '<a href="https://other.test/x">Away</a>', '<a href="#top">Top</a>',
  '<a href="javascript:alert(1)">Click</a>', '<a href="mailto:x@teaser.test">Mail</a>', '<a href="http://[::1">Broken</a>', '<a href="/world/2">2</a>', '<a href="/tag/x">Tag</a>',
  '<a href="/a/three" rel="next">Next</a>', '<a href="/a/four"><img alt=""></a>', '<a href="/a/five" title="Titled"></a>', '<a href="">Empty</a>', '<a>No href</a>',
  '<base href="https://teaser.test/news/">', '<base href="http://[">', '<nav>', '</nav>', '<main>', '</main>', '<article>', '</article>', '<h2>', '</h2>', '<header>', '</header>',
  '<footer>', '</footer>', '<div role="navigation">', '</div>', '<title>Section</title>', '<script>', '</script>', '<!--', '-->', '<![CDATA[', '<svg><a href="/a/six">Six</a></svg>',
];
const anyPage = fc.oneof(
  { weight: 4, arbitrary: mutatedFeed([SECTION]) },
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...ANCHORS), hostileText(2)), { maxLength: 40 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
);

describe('HTML index parsing on hostile pages', () => {
  it('returns at most MAX_INDEX_ITEMS same-site story links, or a failure with a reason, and never throws', () => {
    fc.assert(
      fc.property(anyPage, (page) => {
        const result = parseHtmlIndex(page, INDEX_URL, FETCHED_AT);
        expectUsable(result, 'teaser.test');
        if (!result.ok) return;
        expect(result.value.items.length).toBeGreaterThan(0);
        expect(result.value.items.length).toBeLessThanOrEqual(MAX_INDEX_ITEMS);
        for (const item of result.value.items) expect(item.url).not.toContain('#');
      }),
      { numRuns: 200 },
    );
  });
});
