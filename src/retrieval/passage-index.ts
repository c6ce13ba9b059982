import type { Logger } from '../log.ts';
import type { ArticleStore } from '../store/article-store.ts';
import type { TopicMatcher } from '../topics/topic-matcher.ts';
import { Bm25Searcher } from './bm25-searcher.ts';
import { buildIndexFromStore, indexFingerprint } from './build-index.ts';
import { readIndexFile, writeIndexFile } from './index-file.ts';

/**
 * The searcher for the store as it is now: the persisted index when its stamp matches the store's
 * revision and the topics, else a rebuild that is written back (and kept in memory if it cannot be).
 */
export async function openSearcher(deps: { store: ArticleStore; matchers: readonly TopicMatcher[]; indexPath: string; log: Logger }): Promise<Bm25Searcher> {
  const { store, matchers, indexPath, log } = deps;
  const stamp = { revision: await store.revision(), fingerprint: indexFingerprint(matchers) };
  const persisted = await readIndexFile(indexPath);
  if (persisted && persisted.stamp.revision === stamp.revision && persisted.stamp.fingerprint === stamp.fingerprint) {
    return new Bm25Searcher(persisted.data);
  }
  const started = performance.now();
  const data = await buildIndexFromStore(store, matchers);
  log.info({ passages: data.docArticle.length, articles: data.articleIds.length, ms: Math.round(performance.now() - started) }, 'index rebuilt');
  try {
    await writeIndexFile(indexPath, data, stamp);
  } catch (err) {
    log.warn({ err, indexPath }, 'could not save the index; it will be rebuilt next time');
  }
  return new Bm25Searcher(data);
}
