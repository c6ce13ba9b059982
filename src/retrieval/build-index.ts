import { createHash } from 'node:crypto';
import type { ArticleStore } from '../store/article-store.ts';
import { entityTerms, type TopicMatcher } from '../topics/topic-matcher.ts';
import { IndexBuilder, type IndexData } from './bm25-index.ts';
import { tokenize } from './tokenize.ts';

/** Bump when tokenizing or scoring changes, so every persisted index is rebuilt once. */
const INDEX_FORMAT = 'tokenize-v4/bm25-v1/chunk-v1/dates-v1/entities-v2';

/** Changes when the topics change (their rules decide which articles are on-topic) or the format does. */
export function indexFingerprint(matchers: readonly TopicMatcher[]): string {
  const topics = JSON.stringify(matchers.map((matcher) => matcher.topic));
  return createHash('sha256').update(INDEX_FORMAT).update(topics).digest('hex').slice(0, 16);
}

/** One formatter for every article: toLocaleString() would build a new one per call (~90 µs each). */
const MONTH = new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' });

/** The publication year and month as index terms, as every passage of the article carries them. */
export const dateTerms = (publishedAt: Date): string[] => tokenize(`${publishedAt.getUTCFullYear()} ${MONTH.format(publishedAt)}`);

/**
 * Reads every stored article, tags its topics, and indexes each passage with the title as context.
 * Each passage goes into the builder as soon as it is tokenized, so token lists never pile up.
 */
export async function buildIndexFromStore(store: ArticleStore, matchers: readonly TopicMatcher[]): Promise<IndexData> {
  const builder = new IndexBuilder(matchers.map((matcher) => matcher.topic.slug));
  for await (const { article, passages: stored } of store.all()) {
    const articleIndex = builder.addArticle({
      id: article.id,
      publishedAt: article.publishedAt,
      outlet: article.outlet,
      language: article.language,
      topics: matchers.filter((matcher) => matcher.isOnTopic(article)).map((matcher) => matcher.topic.slug),
    });
    // The title gives every passage its context; the year and month let "in 2019" or "last june" match.
    const titleTokens = [...tokenize(article.title), ...dateTerms(article.publishedAt)];
    for (const passage of stored) {
      builder.addPassage({
        articleIndex,
        ordinal: passage.ordinal,
        tokens: [...titleTokens, ...tokenize(passage.text), ...entityTerms(matchers, `${article.title}\n${passage.text}`)],
      });
    }
  }
  return builder.finish();
}
