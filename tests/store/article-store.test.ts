import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkArticle } from '../../src/ingest/chunk.ts';
import { silentLogger } from '../../src/log.ts';
import type { Article } from '../../src/model.ts';
import type { ArticleStore } from '../../src/store/article-store.ts';
import { keyvArticleStore } from '../../src/store/keyv-article-store.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';
import { tempDir } from '../support/temp-app.ts';

const article = (id: string): Article => ({
  id, url: `https://news.test/${id}`, title: `Title ${id}`, outlet: 'Wire', publishedAt: new Date('2026-01-02T00:00:00Z'), language: 'en',
  text: 'Xi Jinping and Kim Jong Un exchanged messages. Trade rose again.',
});

/** One contract, every backend: what ingest and retrieval rely on. */
function articleStoreContract(label: string, open: () => Promise<{ store: ArticleStore; done: () => Promise<void> }>) {
  describe(`${label} article store`, () => {
    let store: ArticleStore;
    let done: () => Promise<void>;
    beforeAll(async () => ({ store, done } = await open()));
    afterAll(() => done());

    it('gives back an article with its dates as Dates and its passages', async () => {
      const a = article('a1');
      await store.put({ article: a, passages: chunkArticle(a), contentHash: 'h1' });
      const stored = await store.get('a1');
      expect(stored?.article.publishedAt).toEqual(a.publishedAt);
      expect(stored?.passages[0]?.text).toContain('Xi Jinping');
    });

    it('reads many at once, with undefined for ids it does not hold', async () => {
      expect((await store.getMany(['a1', 'missing'])).map((entry) => entry?.article.id)).toEqual(['a1', undefined]);
    });

    it('lists every article it holds', async () => {
      const b = article('b2');
      await store.put({ article: b, passages: chunkArticle(b), contentHash: 'h2' });
      const ids: string[] = [];
      for await (const entry of store.all()) ids.push(entry.article.id);
      expect(ids.sort()).toEqual(['a1', 'b2']);
    });

    it('puts many at once, replacing the ones it already holds, with dates given back as Dates', async () => {
      const entry = (id: string, contentHash: string, title = `Title ${id}`) => {
        const a = { ...article(id), title };
        return { article: a, passages: chunkArticle(a), contentHash };
      };
      await store.putMany!([entry('m1', 'h1'), entry('m2', 'h2'), entry('m3', 'h3')]);
      await store.putMany!([entry('m1', 'changed', 'Changed title')]);
      const stored = await store.getMany(['m1', 'm2', 'm3']);
      expect(stored.map((found) => found?.contentHash)).toEqual(['changed', 'h2', 'h3']);
      expect(stored[0]?.article.title).toBe('Changed title');
      expect(stored[2]?.article.publishedAt).toEqual(new Date('2026-01-02T00:00:00Z'));
    });

    it('counts revisions upward', async () => {
      const before = await store.revision();
      expect(await store.bumpRevision()).toBe(before + 1);
    });
  });
}

articleStoreContract('SQLite', async () => {
  const dir = await tempDir();
  const store = keyvArticleStore(`sqlite://${join(dir.path, 'store.sqlite')}`, silentLogger());
  return { store, done: async () => { await store.close(); await dir.remove(); } };
});

// A separate Redis database would need configuration; a key prefix per run keeps runs apart instead.
articleStoreContract('Redis', async () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `test-${process.pid}-${Date.now()}-`;
  const store = keyvArticleStore(url, silentLogger(), prefix);
  const cleanup = async () => {
    for (const namespace of ['article', 'meta']) {
      const keyv = openKeyv(url, `${prefix}${namespace}`, silentLogger());
      await keyv.clear();
      await keyv.disconnect();
    }
  };
  return { store, done: async () => { await store.close(); await cleanup(); } };
});
