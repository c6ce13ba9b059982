import type { Config } from './config.ts';
import { feedsFor, loadFeedList, type FeedSource } from './ingest/feed-list.ts';
import { ingestFeeds, type FeedRunReport } from './ingest/ingest-feeds.ts';
import { HTTP_FETCHER_DEFAULTS, httpFetcher } from './ingest/http-fetcher.ts';
import { probeFeed } from './ingest/probe-feed.ts';
import type { Logger } from './log.ts';
import { fail, ok, type Result } from './model.ts';
import type { ArticleStore } from './store/article-store.ts';
import { feedStates, keyvFeedState, type FeedStateView } from './store/keyv-feed-state.ts';
import { GuildFeed, keyvGuildFeeds } from './store/keyv-guild-feeds.ts';
import { keyvStoryStore } from './store/keyv-story-store.ts';
import type { TopicMatcher } from './topics/topic-matcher.ts';

/** Feeds one server may add: each is fetched on every run, so a server cannot make the bot crawl at will. */
export const MAX_GUILD_FEEDS = 25;

export type GuildFeedInput = {
  guildId: string;
  url: string;
  topic: string;
  /** Shown in /sources and /feeds list; default: the feed's own title, else its host name. */
  name?: string | undefined;
  /** The outlet its articles are credited to; default: `name`. */
  outlet?: string | undefined;
  /** BCP 47 primary tag of its articles; default: en. */
  language?: string | undefined;
  /** The Discord user id of the admin adding it. */
  addedBy: string;
};
export type AddedFeed = { feed: GuildFeed; title?: string; items: number };

/** One feed as /sources shows it. */
export type FeedHealth = {
  name: string;
  outlet: string;
  /** True for a feed this server added with /feeds add, false for one from FEEDS_FILE. */
  addedHere: boolean;
  /** Undefined until the feed's first fetch. */
  state?: FeedStateView;
};

export type FeedRuntime = {
  /** One run over the feed list and every server's feeds (all topics, or one), as `ingest --feeds` and the poller do. */
  run(topic?: string): Promise<FeedRunReport>;
  /** Each feed's last outcome and back-off, for /sources. */
  states(): Promise<FeedStateView[]>;
  /** FEEDS_FILE's feeds and `guildId`'s own, each with its state: failing first, then not yet fetched, then healthy. */
  health(guildId?: string): Promise<FeedHealth[]>;
  /** Probes the address through the polling fetcher (SSRF guard included) and stores it only when it is a feed. */
  addGuildFeed(input: GuildFeedInput): Promise<Result<AddedFeed, string>>;
  guildFeeds(guildId: string): Promise<GuildFeed[]>;
  /** The removed feed, or undefined when the server did not follow that address. */
  removeGuildFeed(guildId: string, url: string): Promise<GuildFeed | undefined>;
  close(): Promise<void>;
};

/** The address as the WHATWG parser writes it, so `HTTP://Example.com` and `http://example.com/` are one feed. */
const canonicalUrl = (url: string): string | undefined => (URL.canParse(url.trim()) ? new URL(url.trim()).href : undefined);

function uniqueByUrl<T extends { url: string }>(feeds: readonly T[]): T[] {
  const byUrl = new Map<string, T>();
  for (const feed of feeds) {
    const key = canonicalUrl(feed.url) ?? feed.url;
    if (!byUrl.has(key)) byUrl.set(key, feed);
  }
  return [...byUrl.values()];
}

const healthRank = (feed: FeedHealth) => (!feed.state ? 1 : feed.state.status === 'ok' ? 2 : 0);

/** The feed adapters, built from Config (app.ts loads this module only when feeds are used). */
export function feedRuntime(config: Config, deps: { store: ArticleStore; matchers: readonly TopicMatcher[]; log: Logger; now: () => Date }): FeedRuntime {
  const log = deps.log.child({ module: 'feeds' });
  const fetcher = httpFetcher({
    allowLoopback: config.FEEDS_ALLOW_LOOPBACK,
    ...(config.FEED_CONTACT ? { userAgent: `${HTTP_FETCHER_DEFAULTS.userAgent.slice(0, -1)}; ${config.FEED_CONTACT})` } : {}),
  });
  const feedState = keyvFeedState(config.STORE_URL, log);
  const stories = keyvStoryStore(config.STORE_URL, log);
  const guildFeeds = keyvGuildFeeds(config.STORE_URL, log);
  const topics = deps.matchers.map((matcher) => matcher.topic.slug);

  const addGuildFeed = async (input: GuildFeedInput): Promise<Result<AddedFeed, string>> => {
    const url = canonicalUrl(input.url);
    if (!url || !/^https?:$/.test(new URL(url).protocol)) return fail('that is not a web address: give the full address of the feed, starting with https://');
    if (!topics.includes(input.topic)) return fail(`there is no topic "${input.topic}". Known topics: ${topics.join(', ') || 'none'}.`);
    const listed = feedsFor(await loadFeedList(config.FEEDS_FILE)).some((feed) => canonicalUrl(feed.url) === url);
    if (listed) return fail('the bot already polls that feed for every server.');
    const known = await guildFeeds.list(input.guildId);
    if (known.some((feed) => feed.url === url)) return fail('this server already follows that feed.');
    if (known.length >= MAX_GUILD_FEEDS) return fail(`this server already follows ${MAX_GUILD_FEEDS} feeds, the most I poll for one server. Remove one with /feeds remove first.`);

    const probe = await probeFeed(fetcher, url, deps.now());
    if (!probe.ok) {
      log.info({ guildId: input.guildId, url, reason: probe.error }, 'guild feed refused');
      return fail(probe.error);
    }
    const name = input.name?.trim() || probe.value.title?.trim() || new URL(url).hostname;
    const parsed = GuildFeed.safeParse({
      name: name.slice(0, 100),
      url,
      outlet: (input.outlet?.trim() || name).slice(0, 100),
      language: input.language ?? 'en',
      kind: probe.value.format,
      stateMedia: false, // an admin's feed is not vouched for; only FEEDS_FILE marks state media
      topic: input.topic,
      addedBy: input.addedBy,
      addedAt: deps.now(),
    });
    if (!parsed.success) return fail(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    await guildFeeds.add(input.guildId, parsed.data);
    log.info({ guildId: input.guildId, url, addedBy: input.addedBy, items: probe.value.items }, 'guild feed added');
    return ok({ feed: parsed.data, items: probe.value.items, ...(probe.value.title ? { title: probe.value.title } : {}) });
  };

  return {
    async run(topic) {
      const [list, guilds] = await Promise.all([loadFeedList(config.FEEDS_FILE), guildFeeds.all()]);
      const added: FeedSource[] = guilds.flatMap((guild) => guild.feeds).filter((feed) => topic === undefined || feed.topic === topic);
      // A topic only servers added feeds for is not a typo.
      const listed = topic !== undefined && !(topic in list) && added.length > 0 ? [] : feedsFor(list, topic);
      return ingestFeeds({ store: deps.store, feedState, stories, fetcher, matchers: deps.matchers, log, now: deps.now }, uniqueByUrl([...listed, ...added]));
    },
    states: () => feedStates(feedState, deps.now()),
    async health(guildId) {
      const [list, added, states] = await Promise.all([
        loadFeedList(config.FEEDS_FILE),
        guildId === undefined ? Promise.resolve([]) : guildFeeds.list(guildId),
        feedStates(feedState, deps.now()),
      ]);
      const byUrl = new Map(states.map((state) => [state.url, state]));
      const feeds = uniqueByUrl([...feedsFor(list).map((feed) => ({ feed, addedHere: false })), ...added.map((feed) => ({ feed, addedHere: true }))].map((entry) => ({ ...entry, url: entry.feed.url })));
      return feeds
        .map(({ feed, addedHere }): FeedHealth => {
          const state = byUrl.get(feed.url);
          return { name: feed.name, outlet: feed.outlet, addedHere, ...(state ? { state } : {}) };
        })
        .sort((a, b) => healthRank(a) - healthRank(b) || a.outlet.localeCompare(b.outlet) || a.name.localeCompare(b.name));
    },
    addGuildFeed,
    guildFeeds: (guildId) => guildFeeds.list(guildId),
    removeGuildFeed: (guildId, url) => guildFeeds.remove(guildId, canonicalUrl(url) ?? url),
    async close() {
      await Promise.all([fetcher.close(), feedState.close(), stories.close(), guildFeeds.close()]);
    },
  };
}
