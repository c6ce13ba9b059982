import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_INDEX_ITEMS, parseHtmlIndex } from '../../../src/ingest/parse-html-index.ts';
import { FEED_FIXTURES } from '../../support/feed-server.ts';

const FETCHED_AT = new Date('2026-11-27T12:00:00Z');
const INDEX_URL = 'https://teaser.test/section.html';

const parse = (html: string, url = INDEX_URL) => parseHtmlIndex(html, url, FETCHED_AT);
const urls = (html: string, url = INDEX_URL) => {
  const result = parse(html, url);
  return result.ok ? result.value.items.map((item) => item.url) : [];
};

describe('HTML index parsing', () => {
  it('takes a section front\'s article links once each, in page order, and nothing else', async () => {
    const result = parse(await readFile(join(FEED_FIXTURES, 'section.html'), 'utf8'));
    expect(result).toEqual({
      ok: true,
      value: {
        title: 'World | Teaser Times',
        skipped: [],
        items: [
          { title: 'China and North Korea sign customs agreement', url: 'https://teaser.test/articles/full.html', text: '', publishedAt: FETCHED_AT, dateNote: 'no publication date; used the fetch time' },
          { title: 'Rail link to Sinuiju reopens for freight', url: 'https://www.teaser.test/articles/rail-link.html?ref=section', text: '', publishedAt: FETCHED_AT, dateNote: 'no publication date; used the fetch time' },
          { title: 'Yalu traders count the cost of new checks', url: 'https://teaser.test/articles/yalu-trade.html', text: '', publishedAt: FETCHED_AT, dateNote: 'no publication date; used the fetch time' },
        ],
      },
    });
  });

  it('takes every same-site link when the page marks up no article, main or heading', () => {
    const html = '<ul><li><a href="/a/one">One</a></li><li><a href="https://www.teaser.test/a/two">Two</a></li><li><a href="https://other.test/a/three">Three</a></li></ul>';
    expect(urls(html)).toEqual(['https://teaser.test/a/one', 'https://www.teaser.test/a/two']);
  });

  it('leaves out pager links under the section path and links that resolve against a <base>', () => {
    const html = '<base href="https://teaser.test/news/"><main><a href="2">2</a><a href="/world/3">Older</a><a href="story-1">Story one</a></main>';
    expect(urls(html, 'https://teaser.test/world/')).toEqual(['https://teaser.test/news/story-1']);
  });

  it(`stops at ${MAX_INDEX_ITEMS} items`, () => {
    const html = `<main>${Array.from({ length: 40 }, (_, n) => `<h3><a href="/story/${n}">Story ${n}</a></h3>`).join('')}</main>`;
    const found = urls(html);
    expect(found).toHaveLength(MAX_INDEX_ITEMS);
    expect(found.at(-1)).toBe(`https://teaser.test/story/${MAX_INDEX_ITEMS - 1}`);
  });

  it('fails with a reason when the page links to no article', () => {
    expect(parse('<nav><a href="/">Home</a></nav><p>Nothing here. <a href="mailto:desk@teaser.test">Write</a></p>')).toEqual({
      ok: false,
      error: 'no article links on the index page (expected same-site links inside <article>, <main> or headings)',
    });
  });
});
