import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const FeedKind = z.enum(['rss', 'atom', 'rdf', 'json', 'html-index']);

/** One source the bot polls. `url` must be a public http(s) address; the fetcher refuses anything else. */
export const FeedSource = z.object({
  name: z.string().trim().min(1),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// feed address' }),
  outlet: z.string().trim().min(1),
  /** BCP 47 primary tag of the feed's articles: en, ko, zh … */
  language: z.string().regex(/^[a-z]{2,3}$/, 'expected a language tag such as en, ko or zh'),
  kind: FeedKind,
  /** True for outlets a state controls (KCNA, Xinhua …), so a brief can say whose voice a claim is. */
  stateMedia: z.boolean(),
});
export type FeedSource = z.infer<typeof FeedSource>;

/** data/feeds.json: topic slug -> the feeds `ingest --feeds --topic <slug>` polls. */
export const FeedList = z.record(z.string().regex(/^[a-z0-9-]+$/, 'expected a topic slug such as china-dprk'), z.array(FeedSource));
export type FeedList = z.infer<typeof FeedList>;

export class FeedListError extends Error {
  override name = 'FeedListError';
}

export async function loadFeedList(path: string): Promise<FeedList> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FeedListError(`Cannot read the feed list ${path}: ${(err as Error).message}`);
  }
  const parsed = FeedList.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new FeedListError(`${path}: ${issues.join('; ')}`);
}

/**
 * The feeds to poll: one topic's list, or every topic's when `topic` is absent. A feed listed under
 * two topics is polled once (its articles are tagged with every topic they match anyway).
 */
export function feedsFor(list: FeedList, topic?: string): FeedSource[] {
  if (topic !== undefined && !(topic in list)) {
    throw new FeedListError(`No feeds for topic "${topic}". Topics with feeds: ${Object.keys(list).join(', ') || 'none'}.`);
  }
  const lists = topic === undefined ? Object.values(list) : [list[topic] ?? []];
  const byUrl = new Map<string, FeedSource>();
  for (const feed of lists.flat()) if (!byUrl.has(feed.url)) byUrl.set(feed.url, feed);
  return [...byUrl.values()];
}
