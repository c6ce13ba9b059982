import { z } from 'zod';
import { FeedSource } from '../ingest/feed-list.ts';
import type { Logger } from '../log.ts';
import { openKeyv } from './open-keyv.ts';

/** A feed a server's admin added with `/feeds add`; polled along with FEEDS_FILE's feeds. */
export const GuildFeed = FeedSource.extend({
  /** The topic it was added under (`ingest --feeds --topic` picks it up); its articles are still tagged by every matching topic. */
  topic: z.string().regex(/^[a-z0-9-]+$/),
  /** The Discord user id of the admin who added it. */
  addedBy: z.string().min(1),
  addedAt: z.coerce.date(),
});
export type GuildFeed = z.infer<typeof GuildFeed>;

export type GuildFeedStore = {
  /** One server's feeds, oldest first. */
  list(guildId: string): Promise<GuildFeed[]>;
  /** Every server's feeds. */
  all(): Promise<{ guildId: string; feeds: GuildFeed[] }[]>;
  /** Adds the feed, replacing one with the same URL. */
  add(guildId: string, feed: GuildFeed): Promise<void>;
  /** The removed feed, or undefined when the server had none at that URL. */
  remove(guildId: string, url: string): Promise<GuildFeed | undefined>;
  close(): Promise<void>;
};

/**
 * Guild feeds in the "guild-feed" namespace keyed by guild id, each value the server's list. Parsed on
 * read: a record that no longer parses is dropped with a warning rather than breaking every feed run.
 */
export function keyvGuildFeeds(url: string, log: Logger, namespacePrefix = ''): GuildFeedStore {
  const keyv = openKeyv<unknown>(url, `${namespacePrefix}guild-feed`, log);
  const parse = (guildId: string, raw: unknown): GuildFeed[] => {
    const entries = Array.isArray(raw) ? (raw as unknown[]) : [];
    return entries.flatMap((entry) => {
      const parsed = GuildFeed.safeParse(entry);
      if (!parsed.success) log.warn({ guildId, issues: parsed.error.issues.length }, 'stored guild feed does not match the schema; ignoring it');
      return parsed.success ? [parsed.data] : [];
    });
  };
  const list = async (guildId: string) => parse(guildId, await keyv.get(guildId));
  // Read-modify-write per guild, one at a time, so two admins adding at once both keep their feed (within one process).
  const queues = new Map<string, Promise<unknown>>();
  const update = <T>(guildId: string, change: (feeds: GuildFeed[]) => { feeds: GuildFeed[]; result: T }): Promise<T> => {
    const next = (queues.get(guildId) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const { feeds, result } = change(await list(guildId));
      if (feeds.length === 0) await keyv.delete(guildId);
      else await keyv.set(guildId, feeds.map((feed) => GuildFeed.parse(feed)));
      return result;
    });
    queues.set(guildId, next);
    void next.finally(() => queues.get(guildId) === next && queues.delete(guildId)).catch(() => undefined);
    return next;
  };
  return {
    list,
    async all() {
      if (!keyv.iterator) throw new Error('This store cannot list its keys; use sqlite:// or redis://.');
      const guilds: { guildId: string; feeds: GuildFeed[] }[] = [];
      for await (const [guildId, raw] of keyv.iterator(undefined)) {
        if (typeof guildId === 'string') guilds.push({ guildId, feeds: parse(guildId, raw) });
      }
      return guilds;
    },
    add: (guildId, feed) => update(guildId, (feeds) => ({ feeds: [...feeds.filter((known) => known.url !== feed.url), feed], result: undefined })),
    remove: (guildId, feedUrl) =>
      update(guildId, (feeds) => ({ feeds: feeds.filter((known) => known.url !== feedUrl), result: feeds.find((known) => known.url === feedUrl) })),
    close: () => keyv.disconnect(),
  };
}
