import { parseFeed as parseAnyFeed, type AnyFeed } from 'feedsmith';
import type { Result } from '../model.ts';
import { paragraphsOf } from './parse-html.ts';

/** One item as the feed gave it, with text made plain, the link made absolute and the date checked. */
export type FeedItem = {
  title: string;
  url: string;
  guid?: string;
  /** The longest text the feed carries (content:encoded, Atom content, else the summary), as plain text. */
  text: string;
  publishedAt: Date;
  /** Set when the feed's date was missing or absurd and the fetch time was used instead. */
  dateNote?: string;
};
export type FeedSkip = { item: string; reason: string };
export type ParsedFeed = { format: 'rss' | 'atom' | 'rdf' | 'json'; title?: string; items: FeedItem[]; skipped: FeedSkip[] };

/** Dates before this are typing errors or epoch defaults, not news. */
const EARLIEST = Date.UTC(1990, 0, 1);
/** Clock skew and time zones allowed for; beyond a day ahead a date is wrong. */
const FUTURE_SLACK_MS = 24 * 60 * 60_000;

type RawItem = { title?: string; link?: string; guid?: string; html?: string; date?: string };

const toText = (html: string | undefined) => {
  if (!html?.trim()) return '';
  return /<[a-z!/]/i.test(html) ? paragraphsOf(html).trim() : html.replace(/\s+/g, ' ').trim();
};

/** The item's date, or the fetch time with a note saying why the item's own date was not used. */
export function checkItemDate(raw: string | undefined, fetchedAt: Date): { date: Date; note?: string } {
  if (!raw?.trim()) return { date: fetchedAt, note: 'no publication date; used the fetch time' };
  const date = new Date(raw.trim());
  if (Number.isNaN(date.getTime())) return { date: fetchedAt, note: `unreadable date "${raw.trim()}"; used the fetch time` };
  if (date.getTime() > fetchedAt.getTime() + FUTURE_SLACK_MS) return { date: fetchedAt, note: `date ${date.toISOString()} is in the future; used the fetch time` };
  if (date.getTime() < EARLIEST) return { date: fetchedAt, note: `date ${date.toISOString()} is before 1990; used the fetch time` };
  return { date };
}

const longest = (...texts: (string | undefined)[]) => texts.reduce<string | undefined>((a, b) => ((b?.length ?? 0) > (a?.length ?? 0) ? b : a), undefined);

/** Maps the four shapes feedsmith returns onto one. */
function rawItems(parsed: AnyFeed): { title?: string; items: RawItem[] } {
  switch (parsed.format) {
    case 'rss':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((item) => ({
          title: item.title,
          link: item.link ?? (item.guid?.isPermaLink !== false ? item.guid?.value : undefined),
          guid: item.guid?.value,
          html: longest(item.content?.encoded, item.description),
          date: item.pubDate ?? item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0],
        })),
      };
    case 'atom':
      return {
        title: parsed.feed.title?.value,
        items: (parsed.feed.entries ?? []).map((entry) => ({
          title: entry.title?.value,
          link: (entry.links?.find((link) => !link.rel || link.rel === 'alternate') ?? entry.links?.[0])?.href,
          guid: entry.id,
          html: longest(entry.content?.value, entry.summary?.value),
          date: entry.published ?? entry.updated ?? entry.dc?.dates?.[0],
        })),
      };
    case 'rdf':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((item) => ({
          title: item.title,
          link: item.link ?? item.rdf?.about,
          guid: item.rdf?.about,
          html: longest(item.content?.encoded, item.description, item.dc?.descriptions?.[0]),
          date: item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0],
        })),
      };
    case 'json':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((item) => ({
          title: item.title,
          link: item.url ?? item.external_url,
          guid: item.id,
          html: longest(item.content_html, item.content_text, item.summary),
          date: item.date_published ?? item.date_modified,
        })),
      };
  }
}

/**
 * RSS 2.0, Atom, RDF or JSON Feed -> items. A malformed document is a failure with the parser's
 * reason; a malformed item (no title, no usable link) is skipped with its reason and the rest kept.
 * Relative links are resolved against the feed's own URL.
 */
export function parseFeedDocument(source: string, feedUrl: string, fetchedAt: Date): Result<ParsedFeed, string> {
  let parsed: AnyFeed;
  try {
    parsed = parseAnyFeed(source.trim());
  } catch (err) {
    return { ok: false, error: `not a readable RSS, Atom, RDF or JSON feed (${(err as Error).message})` };
  }
  const { title, items } = rawItems(parsed);
  const result: ParsedFeed = { format: parsed.format, items: [], skipped: [], ...(title ? { title: toText(title) } : {}) };
  items.forEach((raw, index) => {
    const label = raw.title?.trim() || raw.guid || `item ${index + 1}`;
    const itemTitle = toText(raw.title);
    if (!itemTitle) return result.skipped.push({ item: label, reason: 'no title' });
    if (!raw.link?.trim()) return result.skipped.push({ item: label, reason: 'no link' });
    let url: URL;
    try {
      url = new URL(raw.link.trim(), feedUrl);
    } catch {
      return result.skipped.push({ item: label, reason: `link "${raw.link}" is not a URL` });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return result.skipped.push({ item: label, reason: `link is not a web address (${url.protocol})` });
    const { date, note } = checkItemDate(raw.date, fetchedAt);
    result.items.push({
      title: itemTitle,
      url: url.href,
      ...(raw.guid ? { guid: raw.guid } : {}),
      text: toText(raw.html),
      publishedAt: date,
      ...(note ? { dateNote: note } : {}),
    });
  });
  return { ok: true, value: result };
}
