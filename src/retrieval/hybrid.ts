import type { ArticleStore } from '../store/article-store.ts';
import type { Bm25Searcher, Scored, SearchFilter } from './bm25-searcher.ts';
import { DenseIndex } from './dense-index.ts';
import type { Embedder } from './embedder.ts';
import { reciprocalRankFusion } from './rrf.ts';

/** The dense half of hybrid retrieval: one vector per index passage (row i = passage i) and the model that made them. */
export type Dense = { index: DenseIndex; embedder: Embedder };

/** Passages embedded in this many per store read, so a large corpus is never read into memory at once. */
const EMBED_CHUNK = 512;

/**
 * Embeds every passage of the index in its order (vectors come from the cache where the text is
 * unchanged, so only new passages cost a model call) and returns the dense index over them.
 */
export async function buildDense(searcher: Bm25Searcher, store: ArticleStore, embedder: Embedder): Promise<Dense> {
  const { articleIds, docArticle, docOrdinal } = searcher.data;
  const vectors: Float32Array[] = [];
  for (let start = 0; start < docArticle.length; start += EMBED_CHUNK) {
    const docs = Array.from({ length: Math.min(EMBED_CHUNK, docArticle.length - start) }, (_, i) => start + i);
    const ids = [...new Set(docs.map((doc) => articleIds[docArticle[doc]!]!))];
    const entries = new Map((await store.getMany(ids)).flatMap((entry) => (entry ? [[entry.article.id, entry] as const] : [])));
    const texts = docs.map((doc) => entries.get(articleIds[docArticle[doc]!]!)?.passages[docOrdinal[doc]!]?.text ?? '');
    vectors.push(...(await embedder.embed(texts)));
  }
  return { index: DenseIndex.fromVectors(vectors), embedder };
}

/**
 * Reciprocal rank fusion of the lexical candidates and the passages nearest the query vector (both
 * under the same filter). The fused score replaces the BM25 score; the lexical and recency parts of
 * passages found lexically are kept so a hit can still explain itself.
 */
export function fuseWithDense(searcher: Bm25Searcher, lexical: readonly Scored[], dense: DenseIndex, queryVector: Float32Array, filter: SearchFilter): Scored[] {
  const near = dense.search(queryVector, lexical.length || 10, (doc) => searcher.accepts(doc, filter));
  const parts = new Map(lexical.map((scored) => [scored.doc, scored]));
  return reciprocalRankFusion([lexical.map((scored) => scored.doc), near.map((hit) => hit.id)]).map(({ id, score }) => ({
    doc: id,
    score,
    lexical: parts.get(id)?.lexical ?? 0,
    recency: parts.get(id)?.recency ?? 0,
  }));
}
