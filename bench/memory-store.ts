import type { ArticleStore, StoredArticle } from '../src/store/article-store.ts';

/**
 * The ArticleStore port held in a Map. The retrieval section uses it so that its figures are the
 * index's and not SQLite's; the pipeline section goes through the real Keyv store instead.
 */
export function memoryArticleStore(entries: readonly StoredArticle[]): ArticleStore {
  const byId = new Map(entries.map((entry) => [entry.article.id, entry]));
  let revision = 1;
  return {
    get: async (id) => byId.get(id),
    getMany: async (ids) => ids.map((id) => byId.get(id)),
    put: async (entry) => {
      byId.set(entry.article.id, entry);
    },
    all: async function* () {
      yield* byId.values();
    },
    revision: async () => revision,
    bumpRevision: async () => ++revision,
    close: async () => undefined,
  };
}
