import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ingestParsed } from '../src/ingest/ingest.ts';
import { readSourceFiles } from '../src/ingest/read-source-files.ts';
import { silentLogger } from '../src/log.ts';
import { openSearcher } from '../src/retrieval/passage-index.ts';
import { keyvArticleStore } from '../src/store/keyv-article-store.ts';
import type { TopicMatcher } from '../src/topics/topic-matcher.ts';
import { round, timed } from './measure.ts';
import { syntheticArticles, toMarkdown } from './synthetic-corpus.ts';

export type IngestPlan = { articles: number; seed: number };
export type IngestResult = {
  files: number;
  added: number;
  passages: number;
  readMs: number;
  ingestMs: number;
  indexMs: number;
  articlesPerSecond: number;
  stages: { readPerSecond: number; ingestPerSecond: number; indexPerSecond: number };
};

/** Passages per synthetic article average 5, so this many passages yields about `articles` files. */
const PASSAGES_PER_ARTICLE = 5;

/** Markdown files on disk → parse, dedupe, chunk and store (Keyv SQLite) → index built and saved. */
export async function benchIngest(plan: IngestPlan, matchers: readonly TopicMatcher[], tempDir: string): Promise<IngestResult> {
  const sourceDir = join(tempDir, 'ingest-source');
  await mkdir(sourceDir, { recursive: true });
  const articles = syntheticArticles({ seed: plan.seed + 1, passages: plan.articles * PASSAGES_PER_ARTICLE });
  await Promise.all(articles.map((article, i) => writeFile(join(sourceDir, `${String(i).padStart(6, '0')}.md`), toMarkdown(article))));

  const store = keyvArticleStore(`sqlite://${join(tempDir, 'ingest.sqlite')}`, silentLogger());
  const read = await timed(() => readSourceFiles(sourceDir, { maxBytes: 10 * 2 ** 20 }));
  const ingest = await timed(() => ingestParsed(store, read.value));
  const index = await timed(() => openSearcher({ store, matchers, indexPath: join(tempDir, 'ingest.idx'), log: silentLogger() }));
  await store.close();

  const added = ingest.value.added.length;
  const perSecond = (ms: number) => round(added / (ms / 1000), 0);
  return {
    files: articles.length,
    added,
    passages: index.value.passageCount,
    readMs: read.ms,
    ingestMs: ingest.ms,
    indexMs: index.ms,
    articlesPerSecond: perSecond(read.ms + ingest.ms + index.ms),
    stages: { readPerSecond: perSecond(read.ms), ingestPerSecond: perSecond(ingest.ms), indexPerSecond: perSecond(index.ms) },
  };
}
