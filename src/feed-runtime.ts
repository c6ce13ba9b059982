import type { Config } from './config.ts';
import { feedsFor, loadFeedList } from './ingest/feed-list.ts';
import { ingestFeeds, type FeedRunReport } from './ingest/ingest-feeds.ts';
import { HTTP_FETCHER_DEFAULTS, httpFetcher } from './ingest/http-fetcher.ts';
import type { Logger } from './log.ts';
import type { ArticleStore } from './store/article-store.ts';
import { feedStates, keyvFeedState, type FeedStateView } from './store/keyv-feed-state.ts';
import { keyvStoryStore } from './store/keyv-story-store.ts';
import type { TopicMatcher } from './topics/topic-matcher.ts';

export type FeedRuntime = {
  /** One run over the feed list (all topics, or one), as `ingest --feeds` and the poller do. */
  run(topic?: string): Promise<FeedRunReport>;
  /** Each feed's last outcome and back-off, for /sources. */
  states(): Promise<FeedStateView[]>;
  /** articleId -> storyId, so a brief counts a wire story once. */
  storyIds(articleIds: readonly string[]): Promise<Map<string, string>>;
  close(): Promise<void>;
};

/** The feed adapters, built from Config (app.ts loads this module only when feeds are used). */
export function feedRuntime(config: Config, deps: { store: ArticleStore; matchers: readonly TopicMatcher[]; log: Logger; now: () => Date }): FeedRuntime {
  const log = deps.log.child({ module: 'feeds' });
  const fetcher = httpFetcher({
    allowLoopback: config.FEEDS_ALLOW_LOOPBACK,
    ...(config.FEED_CONTACT ? { userAgent: `${HTTP_FETCHER_DEFAULTS.userAgent.slice(0, -1)}; ${config.FEED_CONTACT})` } : {}),
  });
  const feedState = keyvFeedState(config.STORE_URL, log);
  const stories = keyvStoryStore(config.STORE_URL, log);
  return {
    async run(topic) {
      const feeds = feedsFor(await loadFeedList(config.FEEDS_FILE), topic);
      return ingestFeeds({ store: deps.store, feedState, stories, fetcher, matchers: deps.matchers, log, now: deps.now }, feeds);
    },
    states: () => feedStates(feedState, deps.now()),
    storyIds: (articleIds) => stories.storyIds(articleIds),
    async close() {
      await Promise.all([fetcher.close(), feedState.close(), stories.close()]);
    },
  };
}
