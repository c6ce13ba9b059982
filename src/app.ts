import { join } from 'node:path';
import { answerQuestion, composeBrief, searchPassages, sourcesOverview, type AskInput, type BriefInput, type BriefingDeps, type SearchInput } from './briefing.ts';
import type { Config } from './config.ts';
import { composeDigest, type DigestInput } from './digest/compose-digest.ts';
import { ingestParsed, type IngestReport } from './ingest/ingest.ts';
import type { FileDefaults } from './ingest/parse-result.ts';
import { readSourceFiles, SourcePathError } from './ingest/read-source-files.ts';
import type { Logger } from './log.ts';
import type { FeedRuntime, GuildFeedInput } from './feed-runtime.ts';
import type { Bm25Searcher } from './retrieval/bm25-searcher.ts';
import { buildDense, type Dense } from './retrieval/hybrid.ts';
import { openSearcher } from './retrieval/passage-index.ts';
import type { ArticleStore } from './store/article-store.ts';
import { keyvArticleStore } from './store/keyv-article-store.ts';
import { keyvDeliveries } from './store/keyv-deliveries.ts';
import { keyvSubscriptions } from './store/keyv-subscriptions.ts';
import { openLeases } from './store/leases.ts';
import { keyvStoryStore } from './store/keyv-story-store.ts';
import { loadTopics } from './topics/load-topics.ts';
import type { Topic } from './topics/topic.ts';
import { topicMatcher } from './topics/topic-matcher.ts';

export type App = Awaited<ReturnType<typeof createApp>>;

/**
 * The composition root: builds the adapters from Config and hands them to the core. The CLI, the
 * Discord bot and the digest scheduler all call these functions and nothing below them.
 */
export async function createApp(config: Config, log: Logger, now: () => Date = () => new Date()) {
  const topics: Topic[] = await loadTopics(config.TOPICS_DIR);
  const matchers = topics.map(topicMatcher);
  const store: ArticleStore = keyvArticleStore(config.STORE_URL, log.child({ module: 'store' }));
  // Feed ingest records which articles are copies of one wire story; briefs count such a story once.
  const stories = keyvStoryStore(config.STORE_URL, log.child({ module: 'stories' }));
  const indexPath = join(config.DATA_DIR, 'passages.idx');
  // Digest state lives in the shared store: with STORE_URL=redis://, every process and shard sees one copy.
  const subscriptions = keyvSubscriptions(config.STORE_URL, log.child({ module: 'subscriptions' }));
  const deliveries = keyvDeliveries(config.STORE_URL, log.child({ module: 'deliveries' }));
  let leases: ReturnType<typeof openLeases> | undefined;
  // The openai SDK takes half a second to load: offline runs never import it.
  const models = config.OPENAI_API_KEY ? await (await import('./model-stack.ts')).modelStack(config, matchers, log) : undefined;
  let searcher: Promise<Bm25Searcher> | undefined;
  let dense: Promise<Dense | undefined> | undefined;
  // undici and the feed parser load only when feeds are used: a brief from the CLI never pays for them.
  let feeds: Promise<FeedRuntime> | undefined;
  const feedRuntimeNow = () => (feeds ??= import('./feed-runtime.ts').then(({ feedRuntime }) => feedRuntime(config, { store, matchers, log, now })));

  const ingestPath = async (path: string, defaults: FileDefaults = {}): Promise<IngestReport> => {
    const files = await readSourceFiles(path, { maxBytes: config.INGEST_MAX_FILE_MB * 1024 * 1024, defaults });
    const report = await ingestParsed(store, files);
    if (report.added.length + report.updated.length > 0) searcher = undefined;
    await embedPassages([...report.added, ...report.updated].map((entry) => entry.id));
    return report;
  };

  /** With EMBEDDING_MODEL, new passages are embedded at ingest (in batches, cached by content hash). */
  const embedPassages = async (articleIds: string[]) => {
    const embedder = models?.embedder;
    if (!embedder || articleIds.length === 0) return;
    const texts = (await store.getMany(articleIds)).flatMap((entry) => entry?.passages.map((passage) => passage.text) ?? []);
    await embedder.embed(texts).catch((err: unknown) => log.warn({ err }, 'could not embed the new passages; they are embedded on first use'));
  };

  /** An empty store (never ingested into) is seeded with the bundled sample corpus, the same way `ingest` would. */
  const ensureSeeded = async () => {
    if ((await store.revision()) > 0) return;
    log.info({ corpus: config.CORPUS_DIR }, 'first run: loading the bundled sample corpus');
    const report = await ingestPath(config.CORPUS_DIR).catch((err: unknown) => {
      if (!(err instanceof SourcePathError)) throw err;
      throw new SourcePathError(
        `The store is empty and the sample corpus cannot be loaded: ${err.message} Set CORPUS_DIR to a folder of articles, or add your own with \`briefing-bot ingest <file|folder>\`.`,
      );
    });
    for (const skip of report.skipped) log.warn({ source: skip.source, reason: skip.reason }, 'skipped while loading the sample corpus');
  };

  const deps = async (): Promise<BriefingDeps> => {
    if (!searcher) {
      searcher = ensureSeeded().then(() => openSearcher({ store, matchers, indexPath, log: log.child({ module: 'index' }) }));
      dense = undefined;
    }
    try {
      const current = await searcher;
      const embedder = models?.embedder;
      dense ??= embedder
        ? buildDense(current, store, embedder).catch((err: unknown) => {
            log.warn({ err }, 'embeddings unavailable; retrieving by words only');
            return undefined;
          })
        : Promise.resolve(undefined);
      return {
        dense: await dense,
        searcher: current, store, matchers, now, halfLifeDays: config.RECENCY_HALF_LIFE_DAYS, defaultSince: config.BRIEF_DEFAULT_SINCE,
        model: models?.model, condense: models?.condense,
        storyIds: (articleIds) => stories.storyIds(articleIds),
      };
    } catch (err) {
      searcher = undefined; // the next call tries again, e.g. once the store is reachable
      throw err;
    }
  };

  return {
    topics,
    brief: async (input: BriefInput) => composeBrief(await deps(), input),
    ask: async (input: AskInput) => answerQuestion(await deps(), input),
    search: async (input: SearchInput) => searchPassages(await deps(), input),
    /** What is new on a topic in (since, until]: the content of a scheduled digest, and `briefing-bot digest`. */
    digest: async (input: DigestInput) => composeDigest(await deps(), input),
    subscriptions,
    deliveries,
    /** Claims on digest deliveries, opened on first use (the CLI never needs them). */
    leases: () => (leases ??= openLeases(config.STORE_URL)),
    sources: async () => sourcesOverview((await deps()).searcher),
    ingest: ingestPath,
    /** One run over the feed list; the index is rebuilt on the next brief when anything changed. */
    ingestFeeds: async (topic?: string) => {
      const report = await (await feedRuntimeNow()).run(topic);
      if (report.new + report.updated + report.duplicate > 0) searcher = undefined;
      return report;
    },
    feedStates: async () => (await feedRuntimeNow()).states(),
    /** FEEDS_FILE's feeds and this server's, each with its last outcome, for /sources. */
    feedHealth: async (guildId?: string) => (await feedRuntimeNow()).health(guildId),
    /** Probes the address (SSRF guard included) and, when it is a feed, polls it from the next run on. */
    addGuildFeed: async (input: GuildFeedInput) => (await feedRuntimeNow()).addGuildFeed(input),
    guildFeeds: async (guildId: string) => (await feedRuntimeNow()).guildFeeds(guildId),
    removeGuildFeed: async (guildId: string, url: string) => (await feedRuntimeNow()).removeGuildFeed(guildId, url),
    /** Loads the sample corpus and the index now rather than on the first command. */
    warmUp: async () => {
      await deps();
    },
    /** Resolves when the store answers (a cheap read), for /readyz. */
    pingStore: async () => store.revision(),
    /** The model's name when briefs are written by one, for footers and logs. */
    modelName: models ? config.BRIEF_MODEL : undefined,
    close: async () => {
      await (await feeds)?.close();
      await models?.close();
      await stories.close();
      await subscriptions.close();
      await deliveries.close();
      await leases?.close();
      await store.close();
    },
  };
}
