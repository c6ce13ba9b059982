import { z } from 'zod';
import type { Logger } from '../log.ts';
import { Article, Passage } from '../model.ts';
import type { ArticleStore, StoredArticle } from './article-store.ts';
import { openKeyv } from './open-keyv.ts';

const Stored = z.object({ article: Article, passages: z.array(Passage), contentHash: z.string() });

/**
 * Articles in the "article" namespace keyed by id, each with its passages, so a citation always
 * resolves to text in the store. Values are parsed on read: Keyv gives dates back as strings, and
 * a record written by an older version may not match today's schema (it is then treated as absent
 * and re-ingested rather than crashing a brief). `namespacePrefix` lets several stores share one
 * Redis (tests, or two bots).
 */
export function keyvArticleStore(url: string, log: Logger, namespacePrefix = ''): ArticleStore {
  const articles = openKeyv<unknown>(url, `${namespacePrefix}article`, log);
  const meta = openKeyv<number>(url, `${namespacePrefix}meta`, log);
  const parse = (raw: unknown, id: string): StoredArticle | undefined => {
    if (raw === undefined || raw === null) return undefined;
    const parsed = Stored.safeParse(raw);
    if (parsed.success) return parsed.data;
    log.warn({ articleId: id, issues: parsed.error.issues.length }, 'stored article does not match the schema; ignoring it');
    return undefined;
  };

  return {
    async get(id) {
      return parse(await articles.get(id), id);
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const raws = await articles.getMany([...ids]);
      return raws.map((raw, index) => parse(raw, ids[index] ?? ''));
    },
    async put(entry) {
      await articles.set(entry.article.id, Stored.parse(entry));
    },
    async putMany(entries) {
      // One multi-row upsert on SQLite, one MULTI on Redis (see open-keyv.ts).
      await articles.setMany(entries.map((entry) => ({ key: entry.article.id, value: Stored.parse(entry) })));
    },
    async *all() {
      if (!articles.iterator) throw new Error('This store cannot list its keys; use sqlite:// or redis://.');
      for await (const [key, raw] of articles.iterator(undefined)) {
        const entry = parse(raw, String(key));
        if (entry) yield entry;
      }
    },
    async revision() {
      return (await meta.get('revision')) ?? 0;
    },
    async bumpRevision() {
      const next = ((await meta.get('revision')) ?? 0) + 1;
      await meta.set('revision', next);
      return next;
    },
    async close() {
      await Promise.all([articles.disconnect(), meta.disconnect()]);
    },
  };
}
