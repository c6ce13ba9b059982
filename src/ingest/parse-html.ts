import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { FileDefaults, ParseResult } from './parse-result.ts';

type Doc = ReturnType<typeof parseHTML>['document'];

const meta = (document: Doc, ...names: string[]): string | undefined => {
  for (const name of names) {
    const element = document.querySelector(`meta[property="${name}"], meta[name="${name}"], meta[itemprop="${name}"]`);
    const content = element?.getAttribute('content')?.trim();
    if (content) return content;
  }
  return undefined;
};

/** Readability returns the article as HTML; its block elements become paragraphs of plain text. */
export function paragraphsOf(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = [...document.querySelectorAll('p, h2, h3, h4, li, blockquote, pre')].filter(
    (element) => !element.parentElement?.closest('p, li, blockquote, pre'),
  );
  const text = blocks.map((element) => element.textContent?.trim() ?? '').filter(Boolean);
  return text.length > 0 ? text.join('\n\n') : (document.body.textContent ?? '');
}

/** A saved article page: main text by Readability, metadata from Open Graph and the canonical link. */
export function parseHtml(source: string, defaults: FileDefaults): ParseResult {
  const { document } = parseHTML(source);
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim();
  const url = meta(document, 'og:url') ?? canonical ?? defaults.url;
  const published = meta(document, 'article:published_time', 'datePublished', 'date', 'pubdate', 'dc.date');
  const outlet = meta(document, 'og:site_name') ?? defaults.outlet ?? (url ? new URL(url).hostname.replace(/^www\./, '') : undefined);
  const language = document.documentElement.getAttribute('lang')?.split('-')[0]?.toLowerCase() || undefined;
  const headline = meta(document, 'og:title') ?? document.querySelector('title')?.textContent?.trim();

  // Readability mutates the DOM it reads, so it runs after the metadata is taken.
  const readable = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  const text = readable?.content ? paragraphsOf(readable.content) : '';
  const title = headline || readable?.title?.trim();
  const date = published ? new Date(published) : defaults.date;

  if (!text.trim()) return { articles: [], skipped: [{ reason: 'no article text found in the page' }] };
  if (!title) return { articles: [], skipped: [{ reason: 'no title (og:title or <title>) in the page' }] };
  if (!date || Number.isNaN(date.getTime())) {
    return { articles: [], skipped: [{ reason: 'no publication date (article:published_time): pass --date YYYY-MM-DD' }] };
  }
  if (!outlet) return { articles: [], skipped: [{ reason: 'no outlet (og:site_name): pass --outlet NAME' }] };
  return { articles: [{ title, text, outlet, publishedAt: date, url, language }], skipped: [] };
}
