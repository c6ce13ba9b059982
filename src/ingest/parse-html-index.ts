import { parseHTML } from 'linkedom';
import type { Result } from '../model.ts';
import { checkItemDate, type FeedItem, type FeedSkip } from './parse-feed.ts';

export type ParsedIndex = { title?: string; items: FeedItem[]; skipped: FeedSkip[] };

/** Article links taken from one index page, in page order. A section front lists 10–40 stories. */
export const MAX_INDEX_ITEMS = 30;

type Anchor = ReturnType<typeof parseHTML>['document']['body'];

/** Navigation, however an outlet marks it up; a header or footer inside an <article> is the story's own. */
const NAVIGATION = 'nav, menu, [role="navigation"], [role="menubar"]';
const PAGE_CHROME = 'header, footer, aside, [role="banner"], [role="contentinfo"], [role="complementary"]';
const PREFERRED = 'article, main, [role="main"], h1, h2, h3, h4, h5, h6';
const HEADING = 'h1, h2, h3, h4, h5, h6';
/** Listing pages, not stories: /tag/x, /category/x, /author/x, /page/2. */
const LISTING_PATH = /\/(?:tags?|category|categories|author|authors)(?:\/|$)|\/page\/\d+\/?$/i;
const PAGE_QUERY = /^(?:page|p|pg|paged)$/i;
const NOT_STORY_REL = /\b(?:tag|author|category|next|prev|previous)\b/i;

const collapse = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
const site = (url: URL) => url.hostname.toLowerCase().replace(/^www\./, '');
/** One key per story: the fragment is a place on the page, and www.example.com is example.com. */
const storyKey = (url: URL) => `${url.protocol}//${site(url)}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}`;
const samePage = (a: URL, b: URL) => site(a) === site(b) && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '') && a.search === b.search;

function isNavigation(anchor: Anchor): boolean {
  if (anchor.closest(NAVIGATION)) return true;
  const chrome = anchor.closest(PAGE_CHROME);
  return chrome !== null && !chrome.closest('article');
}

/** The link as a story address, or undefined for anything that is not one. */
function storyUrl(anchor: Anchor, base: URL, index: URL): URL | undefined {
  const href = anchor.getAttribute('href')?.trim();
  if (!href || href.startsWith('#') || NOT_STORY_REL.test(anchor.getAttribute('rel') ?? '')) return undefined;
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined; // javascript:, mailto:, tel:, data: …
  if (site(url) !== site(index) || samePage(url, index) || url.pathname.replace(/\/+$/, '') === '') return undefined;
  if (LISTING_PATH.test(url.pathname) || [...url.searchParams.keys()].some((key) => PAGE_QUERY.test(key))) return undefined;
  // A pager under the list: links reading "2", "3" …, or the section's own path plus a number (/world/2).
  const section = index.pathname.replace(/\/+$/, '');
  const below = section && url.pathname.startsWith(`${section}/`) ? url.pathname.slice(section.length) : '';
  if (/^\d+$/.test(collapse(anchor.textContent)) || /^\/\d+\/?$/.test(below)) return undefined;
  return url;
}

/**
 * An outlet's section front (an HTML index page, for outlets without a feed) -> its article links as
 * feed items, so they go through the same page fetch as a summary-only feed. Only links on the same
 * site (`www.` ignored) count; navigation, anchors, non-web links, tag/category/author and page-number
 * links and the index itself are left out. When the page marks up its stories (<article>, <main> or a
 * heading), only those links are taken. Titles are the link text; items carry no text and no date,
 * so the fetch time stands in, noted, until the article page gives one.
 */
export function parseHtmlIndex(source: string, indexUrl: string, fetchedAt: Date): Result<ParsedIndex, string> {
  const { document } = parseHTML(source);
  const index = new URL(indexUrl);
  let base = index;
  try {
    base = new URL(document.querySelector('base[href]')?.getAttribute('href') ?? '', index);
  } catch {
    // A broken <base> is ignored, as browsers do.
  }

  const candidates = [...document.querySelectorAll('a[href]')]
    .filter((anchor) => !isNavigation(anchor))
    .map((anchor) => ({ anchor, url: storyUrl(anchor, base, index), preferred: anchor.closest(PREFERRED) !== null }))
    .filter((candidate): candidate is typeof candidate & { url: URL } => candidate.url !== undefined);
  const chosen = candidates.some((candidate) => candidate.preferred) ? candidates.filter((candidate) => candidate.preferred) : candidates;

  // One entry per address, at its first place on the page; a heading's text beats an image link's or "Read more".
  const links = new Map<string, { url: string; title: string; inHeading: boolean }>();
  for (const { anchor, url } of chosen) {
    const key = storyKey(url);
    const title = collapse(anchor.textContent) || collapse(anchor.getAttribute('title')) || collapse(anchor.getAttribute('aria-label'));
    const inHeading = anchor.closest(HEADING) !== null;
    const seen = links.get(key);
    if (!seen) links.set(key, { url: url.href.replace(/#.*$/, ''), title, inHeading });
    else if (title && (!seen.title || (inHeading && !seen.inHeading))) links.set(key, { ...seen, title, inHeading });
  }

  const { date, note } = checkItemDate(undefined, fetchedAt);
  const items: FeedItem[] = [...links.values()]
    .filter((link) => link.title)
    .slice(0, MAX_INDEX_ITEMS)
    .map((link) => ({ title: link.title, url: link.url, text: '', publishedAt: date, ...(note ? { dateNote: note } : {}) }));
  if (items.length === 0) return { ok: false, error: 'no article links on the index page (expected same-site links inside <article>, <main> or headings)' };
  const title = collapse(document.querySelector('title')?.textContent);
  return { ok: true, value: { items, skipped: [], ...(title ? { title } : {}) } };
}
