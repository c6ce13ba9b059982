import type { Result } from '../model.ts';
import { explainFetchFailure, type Fetcher } from './fetcher.ts';
import { parseFeedDocument, type ParsedFeed } from './parse-feed.ts';

export type FeedProbe = { format: ParsedFeed['format']; title?: string; items: number; finalUrl: string };

/**
 * Fetches an address once, through the same fetcher and SSRF guard as polling, and says whether it
 * is a feed: for the admin command that adds a feed, so a typo or an HTML page is refused at once.
 */
export async function probeFeed(fetcher: Fetcher, url: string, now: Date): Promise<Result<FeedProbe, string>> {
  const fetched = await fetcher.fetch({ url, purpose: 'feed' });
  if (!fetched.ok) return { ok: false, error: explainFetchFailure(fetched.error) };
  if (fetched.value.status !== 200) return { ok: false, error: `the server answered ${fetched.value.status} to an unconditional request` };
  const parsed = parseFeedDocument(fetched.value.text, fetched.value.finalUrl, now);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { format, title, items } = parsed.value;
  return { ok: true, value: { format, ...(title ? { title } : {}), items: items.length, finalUrl: fetched.value.finalUrl } };
}
