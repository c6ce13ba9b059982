import { countTokens } from 'gpt-tokenizer';
import { createApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import type { Cited } from '../src/compose/draft.ts';
import { loadOutlets, stateMediaCheck } from '../src/compose/outlets.ts';
import { packContext } from '../src/compose/pack-context.ts';
import { silentLogger } from '../src/log.ts';
import { keyvArticleStore } from '../src/store/keyv-article-store.ts';

export type TokensResult = {
  briefs: number;
  /** Mean prompt tokens of the source blocks our packing sends for one brief. */
  packed: number;
  /** Mean tokens of naive stuffing: the full text of every article the same brief cites. */
  stuffed: number;
  ratio: number;
};

const NOW = new Date('2026-11-27T12:00:00Z');

/**
 * Prompt tokens per brief on the sample corpus, one brief per year: our packing (the cited passages,
 * near-duplicates merged, under the budget) against stuffing the same sources' whole articles, which
 * is what a retrieve-then-paste pipeline sends. Counted with the GPT tokenizer the packer uses.
 */
export async function benchTokens(config: Config): Promise<TokensResult> {
  const app = await createApp(config, silentLogger(), () => NOW);
  const store = keyvArticleStore(config.STORE_URL, silentLogger());
  const isStateMedia = stateMediaCheck(await loadOutlets());
  const packed: number[] = [];
  const stuffed: number[] = [];
  try {
    for (let year = 2017; year <= 2026; year++) {
      const result = await app.brief({ topic: 'china-dprk', since: `${year}-01-01`, until: `${year}-12-31` });
      if (!result.ok || result.value.sources.length === 0) continue;
      const entries = await store.getMany(result.value.sources.map((source) => source.articleId));
      const sources: Cited[] = result.value.sources.flatMap((source, i) => {
        const entry = entries[i];
        const passage = entry?.passages.find((p) => p.id === source.passageId);
        return entry && passage ? [{ article: entry.article, passage }] : [];
      });
      packed.push(packContext(sources, { budget: config.CONTEXT_TOKEN_BUDGET, isStateMedia }).report.used);
      const articles = new Map(sources.map(({ article }) => [article.id, article]));
      stuffed.push([...articles.values()].reduce((sum, article) => sum + countTokens(`${article.title}\n${article.outlet}, ${article.publishedAt.toISOString().slice(0, 10)}\n${article.text}`), 0));
    }
  } finally {
    await store.close();
    await app.close();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { briefs: packed.length, packed: Math.round(mean(packed)), stuffed: Math.round(mean(stuffed)), ratio: Number((mean(packed) / Math.max(1, mean(stuffed))).toFixed(2)) };
}
