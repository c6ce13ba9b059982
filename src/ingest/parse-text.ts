import type { FileDefaults, ParseResult } from './parse-result.ts';

/** Plain text: the first line is the title; date, outlet and URL come from the command line. */
export function parseText(source: string, defaults: FileDefaults): ParseResult {
  const [firstLine = '', ...rest] = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const title = firstLine.trim();
  const text = rest.join('\n').trim();
  if (!title || !text) return { articles: [], skipped: [{ reason: 'a .txt article needs a title line and text below it' }] };
  if (!defaults.date) return { articles: [], skipped: [{ reason: 'no publication date: pass --date YYYY-MM-DD for .txt files' }] };
  const outlet = defaults.outlet ?? (defaults.url ? new URL(defaults.url).hostname.replace(/^www\./, '') : 'Local file');
  return { articles: [{ title, text, outlet, publishedAt: defaults.date, url: defaults.url }], skipped: [] };
}
