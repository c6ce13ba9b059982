import { pathToFileURL } from 'node:url';
import { metrics } from '../ops/metrics.ts';
import type { ArticleStore } from '../store/article-store.ts';
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

/**
 * Puts parsed articles into the store. Idempotent: an article whose content hash is unchanged is
 * skipped as "unchanged", a changed one is updated in place under the same id.
 */
export async function ingestParsed(store: ArticleStore, files: readonly ParsedFile[], options: IngestOptions = {}): Promise<IngestReport> {
  const report: IngestReport = { added: [], updated: [], skipped: [] };
  const count = (result: IngestResult) => {
    if (options.countInMetrics ?? true) metrics.ingested.inc({ source: 'file', result });
  };
  const seen = new Map<string, string>();
  for (const { path, result } of files) {
    for (const skip of result.skipped) {
      report.skipped.push({ source: path, ...skip });
      count('skipped');
    }
    for (const input of result.articles) {
      const article = normalizeArticle(input, pathToFileURL(path).href);
      const entry = { id: article.id, title: article.title, source: path };
      const firstSource = seen.get(article.id);
      if (firstSource) {
        report.skipped.push({ source: path, item: article.title, reason: `same article as in ${firstSource}` });
        count('duplicate');
        continue;
      }
      seen.set(article.id, path);
      const hash = contentHash([
        article.title, article.outlet, article.publishedAt.toISOString(), article.language, article.url, article.text,
        String(article.partial ?? false), (article.basedOn ?? []).join(' '),
      ]);
      const existing = await store.get(article.id);
      if (existing?.contentHash === hash) {
        report.skipped.push({ source: path, item: article.title, reason: 'unchanged' });
        count('unchanged');
        continue;
      }
      await store.put({ article, passages: chunkArticle(article), contentHash: hash });
      (existing ? report.updated : report.added).push(entry);
      count(existing ? 'updated' : 'added');
    }
  }
  if (report.added.length + report.updated.length > 0) await store.bumpRevision();
  return report;
}
