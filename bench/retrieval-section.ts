import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexData } from '../src/retrieval/bm25-index.ts';
import { Bm25Searcher, type QueryTerm } from '../src/retrieval/bm25-searcher.ts';
import { buildIndexFromStore } from '../src/retrieval/build-index.ts';
import { readIndexFile, writeIndexFile } from '../src/retrieval/index-file.ts';
import { queryTerms, weighTerms } from '../src/retrieval/query-terms.ts';
import { retrieve } from '../src/retrieval/retrieve.ts';
import { tokenize } from '../src/retrieval/tokenize.ts';
import type { TopicMatcher } from '../src/topics/topic-matcher.ts';
import { fillFts5, openFts5 } from './fts5-engine.ts';
import { latencies, percentiles, retained, round, timed, type Percentiles } from './measure.ts';
import { memoryArticleStore } from './memory-store.ts';
import { buildMiniSearch, loadMiniSearch, miniSearchTop, type EngineDoc } from './minisearch-engine.ts';
import { BENCH_NOW, syntheticArticles, syntheticQueries, toStored } from './synthetic-corpus.ts';

export type RetrievalPlan = { passages: number; queries: number; engineQueries: number; miniSearchQueries: number; seed: number };

type EngineFigures = { buildMs: number; heapMB: number; rssMB: number; persistedMB: number; loadMs: number; query: Percentiles };
export type RetrievalResult = {
  passages: number;
  articles: number;
  terms: number;
  full: Percentiles;
  bare: Percentiles;
  ours: Omit<EngineFigures, 'query'> & { arraysMB: number };
  miniSearch: EngineFigures;
  fts5: EngineFigures;
  overlapAt10: number;
  ratios: { fullOverBare: number; fullOverMiniSearch: number; fullOverFts5: number };
};

const K = 10;
/** The settings `/ask` runs with (config default half-life; recency only breaks near-ties). */
const HALF_LIFE_DAYS = 180;
const QUESTION_RECENCY_WEIGHT = 0.1;
/** Untimed runs first, so the JIT has compiled the hot loops before anything is measured. */
const WARM_UP_QUERIES = 30;

const arrayBytes = (data: IndexData) =>
  Object.values(data).reduce((sum: number, value) => sum + (ArrayBuffer.isView(value) ? value.byteLength : 0), 0);

/** The share of the bare BM25 top 10 that the full path also returns, averaged over the queries. */
function overlap(a: readonly number[][], b: readonly number[][]): number {
  let total = 0;
  a.forEach((docs, i) => {
    const other = new Set(b[i]);
    total += other.size === 0 ? 1 : docs.filter((doc) => other.has(doc)).length / Math.min(K, other.size);
  });
  return total / Math.max(1, a.length);
}

export async function benchRetrieval(plan: RetrievalPlan, matchers: readonly TopicMatcher[], tempDir: string): Promise<RetrievalResult> {
  const entries = syntheticArticles({ seed: plan.seed, passages: plan.passages }).map(toStored);
  const store = memoryArticleStore(entries);
  const queries = syntheticQueries({ seed: plan.seed, count: plan.queries + WARM_UP_QUERIES });
  const warmUp = queries.slice(0, WARM_UP_QUERIES);
  const measured = queries.slice(WARM_UP_QUERIES);

  const built = await retained(() => buildIndexFromStore(store, matchers));
  const indexPath = join(tempDir, `passages-${plan.passages}.idx`);
  await writeIndexFile(indexPath, built.value, { revision: 1, fingerprint: 'bench' });
  const persistedMB = (await stat(indexPath)).size / 2 ** 20;
  const loaded = await timed(async () => {
    const file = await readIndexFile(indexPath);
    if (!file) throw new Error(`could not read back ${indexPath}`);
    return new Bm25Searcher(file.data);
  });
  const searcher = loaded.value;
  const topicBit = searcher.data.topicSlugs.indexOf('china-dprk');

  const full = (query: string) =>
    retrieve({ searcher, store }, weighTerms(queryTerms(query, matchers, true, BENCH_NOW), (term) => searcher.idf(term)), {
      k: K, filter: { topicBit: topicBit >= 0 ? topicBit : undefined }, now: BENCH_NOW, halfLifeDays: HALF_LIFE_DAYS, recencyWeight: QUESTION_RECENCY_WEIGHT,
    });
  const bareTerms = (query: string): QueryTerm[] => [...new Set(tokenize(query))].map((term) => ({ term, weight: 1 }));
  const bare = (query: string) => searcher.search(bareTerms(query), K);

  await latencies(warmUp, full);
  await latencies(warmUp, bare);
  const fullLatency = percentiles(await latencies(measured, full));
  const bareLatency = percentiles(await latencies(measured, bare));
  const docOf = new Map<string, number>();
  searcher.data.articleIds.forEach((id, article) => docOf.set(id, article));
  const fullDocs: number[][] = [];
  const bareDocs: number[][] = [];
  for (const query of measured) {
    // Passages are compared by (article, ordinal), the identity both result shapes share.
    fullDocs.push((await full(query)).map((hit) => docOf.get(hit.article.id)! * 1000 + hit.passage.ordinal));
    bareDocs.push(bare(query).map(({ doc }) => searcher.data.docArticle[doc]! * 1000 + searcher.data.docOrdinal[doc]!));
  }

  // The engines a user would pick instead index the same text: title and passage, as ours does.
  const docs: EngineDoc[] = [];
  for (const { article, passages } of entries) for (const passage of passages) docs.push({ id: docs.length + 1, text: `${article.title}\n${passage.text}` });
  const engineQueries = measured.slice(0, plan.engineQueries);

  const ftsPath = join(tempDir, `fts5-${plan.passages}.sqlite`);
  const ftsBuilt = await retained(() => fillFts5(ftsPath, docs));
  const ftsOpened = await timed(async () => {
    const fts = await openFts5(ftsPath);
    await fts.top('warm', 1); // opening is lazy; the first statement reads the schema and the index root
    return fts;
  });
  const fts = ftsOpened.value;
  await latencies(warmUp, (query) => fts.top(query, K));
  const ftsLatency = percentiles(await latencies(engineQueries, (query) => fts.top(query, K)));
  await fts.close();
  const fts5: EngineFigures = {
    buildMs: ftsBuilt.ms, heapMB: ftsBuilt.heapMB, rssMB: ftsBuilt.rssMB, persistedMB: (await stat(ftsPath)).size / 2 ** 20, loadMs: ftsOpened.ms, query: ftsLatency,
  };

  const miniBuilt = await retained(() => buildMiniSearch(docs));
  const json = JSON.stringify(miniBuilt.value);
  const miniLoaded = await timed(() => loadMiniSearch(json));
  const mini = miniLoaded.value;
  await latencies(warmUp.slice(0, 5), (query) => miniSearchTop(mini, query, K));
  const miniLatency = percentiles(await latencies(measured.slice(0, plan.miniSearchQueries), (query) => miniSearchTop(mini, query, K)));
  const miniSearch: EngineFigures = {
    buildMs: miniBuilt.ms, heapMB: miniBuilt.heapMB, rssMB: miniBuilt.rssMB, persistedMB: Buffer.byteLength(json) / 2 ** 20, loadMs: miniLoaded.ms, query: miniLatency,
  };

  return {
    passages: searcher.passageCount,
    articles: searcher.data.articleIds.length,
    terms: searcher.data.terms.length,
    full: fullLatency,
    bare: bareLatency,
    ours: { buildMs: built.ms, heapMB: built.heapMB, rssMB: built.rssMB, arraysMB: arrayBytes(built.value) / 2 ** 20, persistedMB, loadMs: loaded.ms },
    miniSearch,
    fts5,
    overlapAt10: round(overlap(fullDocs, bareDocs), 3),
    ratios: {
      fullOverBare: round(fullLatency.p95 / bareLatency.p95, 2),
      fullOverMiniSearch: round(fullLatency.p95 / miniLatency.p95, 4),
      fullOverFts5: round(fullLatency.p95 / ftsLatency.p95, 4),
    },
  };
}
