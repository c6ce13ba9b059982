import type { Article, Passage } from '../model.ts';

/** An article with the passages it was cut into and a hash of what a reader sees. */
export type StoredArticle = { article: Article; passages: Passage[]; contentHash: string };

/** The port retrieval and ingest use; keyv-article-store.ts is the adapter. */
export interface ArticleStore {
  get(id: string): Promise<StoredArticle | undefined>;
  getMany(ids: readonly string[]): Promise<(StoredArticle | undefined)[]>;
  put(entry: StoredArticle): Promise<void>;
  /**
   * Puts several at once (one round trip, not one per article). Optional: a store without it gets
   * `put` once per entry (see `putAll`).
   */
  putMany?(entries: readonly StoredArticle[]): Promise<void>;
  /** Every stored article, in no particular order (for building the index). */
  all(): AsyncIterable<StoredArticle>;
  /** Grows whenever an article is added or changed, so a persisted index can tell it is stale. */
  revision(): Promise<number>;
  bumpRevision(): Promise<number>;
  close(): Promise<void>;
}

/** Every entry into the store, in one batch where the store can take one. */
export async function putAll(store: ArticleStore, entries: readonly StoredArticle[]): Promise<void> {
  if (entries.length === 0) return;
  if (store.putMany) await store.putMany(entries);
  else for (const entry of entries) await store.put(entry);
}
