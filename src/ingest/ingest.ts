import { pathToFileURL } from 'node:url';
import { metrics } from '../ops/metrics.ts';
import type { Article } from '../model.ts';
import { putAll, type ArticleStore } from '../store/article-store.ts';
import { contentHash } from './article-id.ts';
import { chunkArticle } from './chunk.ts';
import { normalizeArticle } from './normalize.ts';
import type { ParsedFile } from './read-source-files.ts';

export type IngestEntry = { id: string; title: string; source: string };
export type IngestSkip = { source: string; item?: string; reason: string };
export type IngestReport = { added: IngestEntry[]; updated: IngestEntry[]; skipped: IngestSkip[] };
export type IngestOptions = {
  /**
   * Count each outcome in `metrics.ingested` as source "file". Default true; a feed run passes false
   * and counts its own, since only it knows which articles are copies of a story from another outlet.
   */
  countInMetrics?: boolean;
};
type IngestResult = 'added' | 'updated' | 'unchanged' | 'duplicate' | 'skipped';

/** Articles looked up and written per store round trip (one getMany, one putMany). */
const BATCH_SIZE = 256;

/** One outcome, in file order; recorded in the report and the metrics once its batch is stored. */
type Step =
  | { kind: 'skip'; skip: IngestSkip; result: 'skipped' | 'duplicate' }
  | { kind: 'article'; article: Article; entry: IngestEntry; hash: string };

/**
 * Puts parsed articles into the store. Idempotent: an article whose content hash is unchanged is
 * skipped as "unchanged", a changed one is updated in place under the same id. Articles go to the
 * store in batches of BATCH_SIZE: one lookup and one write per batch rather than two per article.
 */
export async function ingestParsed(store: ArticleStore, files: readonly ParsedFile[], options: IngestOptions = {}): Promise<IngestReport> {
  const report: IngestReport = { added: [], updated: [], skipped: [] };
  const count = (result: IngestResult) => {
    if (options.countInMetrics ?? true) metrics.ingested.inc({ source: 'file', result });
  };
  const seen = new Map<string, string>();
  let steps: Step[] = [];
  let batched = 0;

  const flush = async () => {
    const articles = steps.flatMap((step) => (step.kind === 'article' ? [step] : []));
    const existing = await store.getMany(articles.map(({ article }) => article.id));
    const stored = new Map(articles.map(({ article }, i) => [article.id, existing[i]]));
    const changed = articles.filter(({ article, hash }) => stored.get(article.id)?.contentHash !== hash);
    await putAll(store, changed.map(({ article, hash }) => ({ article, passages: chunkArticle(article), contentHash: hash })));
    for (const step of steps) {
      if (step.kind === 'skip') {
        report.skipped.push(step.skip);
        count(step.result);
        continue;
      }
      const previous = stored.get(step.article.id);
      if (previous?.contentHash === step.hash) {
        report.skipped.push({ source: step.entry.source, item: step.article.title, reason: 'unchanged' });
        count('unchanged');
        continue;
      }
      (previous ? report.updated : report.added).push(step.entry);
      count(previous ? 'updated' : 'added');
    }
    steps = [];
    batched = 0;
  };

  for (const { path, result } of files) {
    for (const skip of result.skipped) steps.push({ kind: 'skip', skip: { source: path, ...skip }, result: 'skipped' });
    for (const input of result.articles) {
      const article = normalizeArticle(input, pathToFileURL(path).href);
      const firstSource = seen.get(article.id);
      if (firstSource) {
        steps.push({ kind: 'skip', skip: { source: path, item: article.title, reason: `same article as in ${firstSource}` }, result: 'duplicate' });
        continue;
      }
      seen.set(article.id, path);
      const hash = contentHash([
        article.title, article.outlet, article.publishedAt.toISOString(), article.language, article.url, article.text,
        String(article.partial ?? false), (article.basedOn ?? []).join(' '),
      ]);
      steps.push({ kind: 'article', article, entry: { id: article.id, title: article.title, source: path }, hash });
      if (++batched === BATCH_SIZE) await flush();
    }
  }
  await flush();
  if (report.added.length + report.updated.length > 0) await store.bumpRevision();
  return report;
}
