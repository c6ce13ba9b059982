import type { Hit } from '../model.ts';
import { isoDay } from '../model.ts';

/** The `search --json` shape documented in the README. */
export const hitsJson = (hits: readonly Hit[]) => ({
  hits: hits.map((hit) => ({
    articleId: hit.article.id,
    passageId: hit.passage.id,
    title: hit.article.title,
    outlet: hit.article.outlet,
    url: hit.article.url,
    publishedAt: isoDay(hit.article.publishedAt),
    text: hit.passage.text,
    score: Number(hit.score.toFixed(4)),
    parts: { lexical: Number(hit.parts.lexical.toFixed(4)), recency: Number(hit.parts.recency.toFixed(4)) },
  })),
});
