import { createHash } from 'node:crypto';

const TRACKING = /^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ocid|cmpid|smid|igshid)$/i;

/** The URL two copies of one article share: no fragment, no tracking parameters, no trailing slash. */
export function canonicalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim();
  }
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  url.searchParams.sort();
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, '');
  if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, '');
  return url.toString();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Stable across re-ingests: the canonical URL when the article has a web address, else its text. */
export function articleId(input: { url?: string | undefined; text: string }): string {
  if (input.url && /^https?:\/\//i.test(input.url)) return `u${sha256(canonicalUrl(input.url)).slice(0, 20)}`;
  return `h${sha256(input.text.replace(/\s+/g, ' ').trim()).slice(0, 20)}`;
}

/** Changes whenever anything a reader sees changes; decides "updated" versus "unchanged". */
export const contentHash = (parts: readonly string[]) => sha256(parts.join('\u0000')).slice(0, 24);
