import { freemem } from 'node:os';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { IndexData } from '../src/retrieval/bm25-index.ts';
import { Bm25Searcher, type QueryTerm } from '../src/retrieval/bm25-searcher.ts';
import { buildIndexFromStore } from '../src/retrieval/build-index.ts';
import { readIndexFile, writeIndexFile } from '../src/retrieval/index-file.ts';
import { queryTerms, weighTerms } from '../src/retrieval/query-terms.ts';
import { retrieve } from '../src/retrieval/retrieve.ts';
import { tokenize } from '../src/retrieval/tokenize.ts';
import type { ArticleStore, StoredArticle } from '../src/store/article-store.ts';
import type { TopicMatcher } from '../src/topics/topic-matcher.ts';
import { fillFts5, openFts5 } from './fts5-engine.ts';
import { latencies, memory, percentiles, retained, round, timed, type Percentiles } from './measure.ts';
import { memoryArticleStore } from './memory-store.ts';
import { buildMiniSearch, loadMiniSearch, miniSearchTop, type EngineDoc } from './minisearch-engine.ts';
import { BENCH_NOW, syntheticArticles, syntheticQueries, toStored } from './synthetic-corpus.ts';

export type RetrievalPlan = { passages: number; queries: number; engineQueries: number; miniSearchQueries: number; seed: number };

type EngineFigures = { buildMs: number; heapMB: number; rssMB: number; persistedMB: number; loadMs: number; query: Percentiles };
type OursFigures = Omit<EngineFigures, 'query'> & { arraysMB: number };
export type RetrievalResult = {
  passages: number;
  articles: number;
  terms: number;
  full: Percentiles;
  bare: Percentiles;
  ours: OursFigures;
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

/** What our index alone gives (the --million run has no other engines to compare with). */
type OursRun = Omit<RetrievalResult, 'miniSearch' | 'fts5' | 'ratios'>;

/** Built and written; only the figures come back, so the built arrays can go before the file is read. */
async function buildAndWrite(store: ArticleStore, matchers: readonly TopicMatcher[], indexPath: string): Promise<Omit<OursFigures, 'loadMs'>> {
  const built = await retained(() => buildIndexFromStore(store, matchers));
  await writeIndexFile(indexPath, built.value, { revision: 1, fingerprint: 'bench' });
  const persistedMB = (await stat(indexPath)).size / 2 ** 20;
  return { buildMs: built.ms, heapMB: built.heapMB, rssMB: built.rssMB, arraysMB: arrayBytes(built.value) / 2 ** 20, persistedMB };
}

/** Our index over `entries`: built, written, read back, then the full path and bare BM25 timed on the same queries. */
async function benchOurs(entries: readonly StoredArticle[], queries: { warmUp: string[]; measured: string[] }, matchers: readonly TopicMatcher[], indexPath: string, progress: (text: string) => void): Promise<OursRun> {
  const store = memoryArticleStore(entries);
  const built = await buildAndWrite(store, matchers, indexPath);
  progress(`index built in ${(built.buildMs / 1000).toFixed(1)} s and written (${built.persistedMB.toFixed(0)} MB)`);
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

  await latencies(queries.warmUp, full);
  await latencies(queries.warmUp, bare);
  const fullLatency = percentiles(await latencies(queries.measured, full));
  const bareLatency = percentiles(await latencies(queries.measured, bare));
  const docOf = new Map<string, number>();
  searcher.data.articleIds.forEach((id, article) => docOf.set(id, article));
  const fullDocs: number[][] = [];
  const bareDocs: number[][] = [];
  for (const query of queries.measured) {
    // Passages are compared by (article, ordinal), the identity both result shapes share.
    fullDocs.push((await full(query)).map((hit) => docOf.get(hit.article.id)! * 1000 + hit.passage.ordinal));
    bareDocs.push(bare(query).map(({ doc }) => searcher.data.docArticle[doc]! * 1000 + searcher.data.docOrdinal[doc]!));
  }
  return {
    passages: searcher.passageCount,
    articles: searcher.data.articleIds.length,
    terms: searcher.data.terms.length,
    full: fullLatency,
    bare: bareLatency,
    ours: { ...built, loadMs: loaded.ms },
    overlapAt10: round(overlap(fullDocs, bareDocs), 3),
  };
}

/** The engines a user would pick instead index the same text: title and passage, as ours does. */
function engineDocs(entries: readonly StoredArticle[]): EngineDoc[] {
  const docs: EngineDoc[] = [];
  for (const { article, passages } of entries) for (const passage of passages) docs.push({ id: docs.length + 1, text: `${article.title}\n${passage.text}` });
  return docs;
}

async function benchFts5(docs: readonly EngineDoc[], warmUp: readonly string[], measured: readonly string[], path: string): Promise<EngineFigures> {
  const built = await retained(() => fillFts5(path, docs));
  const opened = await timed(async () => {
    const fts = await openFts5(path);
    await fts.top('warm', 1); // opening is lazy; the first statement reads the schema and the index root
    return fts;
  });
  const fts = opened.value;
  await latencies(warmUp, (query) => fts.top(query, K));
  const query = percentiles(await latencies(measured, (text) => fts.top(text, K)));
  await fts.close();
  return { buildMs: built.ms, heapMB: built.heapMB, rssMB: built.rssMB, persistedMB: (await stat(path)).size / 2 ** 20, loadMs: opened.ms, query };
}

function splitQueries(seed: number, count: number) {
  const queries = syntheticQueries({ seed, count: count + WARM_UP_QUERIES });
  return { warmUp: queries.slice(0, WARM_UP_QUERIES), measured: queries.slice(WARM_UP_QUERIES) };
}

export async function benchRetrieval(plan: RetrievalPlan, matchers: readonly TopicMatcher[], tempDir: string): Promise<RetrievalResult> {
  const entries = syntheticArticles({ seed: plan.seed, passages: plan.passages }).map(toStored);
  const queries = splitQueries(plan.seed, plan.queries);
  const ours = await benchOurs(entries, queries, matchers, join(tempDir, `passages-${plan.passages}.idx`), () => undefined);

  const docs = engineDocs(entries);
  const fts5 = await benchFts5(docs, queries.warmUp, queries.measured.slice(0, plan.engineQueries), join(tempDir, `fts5-${plan.passages}.sqlite`));

  const miniBuilt = await retained(() => buildMiniSearch(docs));
  const json = JSON.stringify(miniBuilt.value);
  const miniLoaded = await timed(() => loadMiniSearch(json));
  const mini = miniLoaded.value;
  await latencies(queries.warmUp.slice(0, 5), (query) => miniSearchTop(mini, query, K));
  const miniLatency = percentiles(await latencies(queries.measured.slice(0, plan.miniSearchQueries), (query) => miniSearchTop(mini, query, K)));
  const miniSearch: EngineFigures = {
    buildMs: miniBuilt.ms, heapMB: miniBuilt.heapMB, rssMB: miniBuilt.rssMB, persistedMB: Buffer.byteLength(json) / 2 ** 20, loadMs: miniLoaded.ms, query: miniLatency,
  };

  return {
    ...ours,
    miniSearch,
    fts5,
    ratios: {
      fullOverBare: round(ours.full.p95 / ours.bare.p95, 2),
      fullOverMiniSearch: round(ours.full.p95 / miniLatency.p95, 4),
      fullOverFts5: round(ours.full.p95 / fts5.query.p95, 4),
    },
  };
}

/** `fts5Queries`: FTS5 is timed on this many of the queries, and only if the section is still under `fts5BudgetMs`. */
export type MillionPlan = { passages: number; queries: number; fts5Queries: number; fts5BudgetMs: number; seed: number };
export type MillionResult =
  | { ran: false; passages: number; reason: string }
  | (OursRun & {
      ran: true;
      corpusMs: number;
      corpusHeapMB: number;
      peakRssMB: number;
      totalMs: number;
      fullOverBare: number;
      fts5: { ran: true; figures: EngineFigures; fullOverFts5: number } | { ran: false; reason: string };
    });

/**
 * Heap per passage: the corpus (article objects, text, passage slices; ≈ 1.0 KB measured at 100k
 * passages) and FTS5's copy of title + text (≈ 0.75 KB), with room to spare. The index arrays live
 * outside the V8 heap (≈ 0.5 KB per passage, more than twice that while the builder grows its buffers).
 */
const CORPUS_HEAP_BYTES_PER_PASSAGE = 2_000;
const ARRAY_BYTES_PER_PASSAGE = 1_400;

/**
 * `--million`: our index over a synthetic corpus of `plan.passages`, then SQLite FTS5 as the reference
 * if time allows (MiniSearch is left out: its build alone would outlast the 10-minute budget). Before
 * generating anything it checks that the V8 heap limit and free memory can hold the corpus, and says
 * what is missing rather than dying of an out-of-memory crash halfway.
 */
export async function benchMillion(plan: MillionPlan, matchers: readonly TopicMatcher[], tempDir: string, progress: (text: string) => void): Promise<MillionResult> {
  const started = performance.now();
  const heapNeeded = plan.passages * CORPUS_HEAP_BYTES_PER_PASSAGE;
  const memoryNeeded = heapNeeded + plan.passages * ARRAY_BYTES_PER_PASSAGE;
  const heapLimit = getHeapStatistics().heap_size_limit;
  const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (heapLimit < heapNeeded) {
    const mb = Math.ceil((heapNeeded * 1.25) / 2 ** 20);
    return { ran: false, passages: plan.passages, reason: `the corpus needs about ${gb(heapNeeded)} of V8 heap and the limit is ${gb(heapLimit)}; run with NODE_OPTIONS=--max-old-space-size=${mb}` };
  }
  if (freemem() < memoryNeeded) {
    return { ran: false, passages: plan.passages, reason: `corpus and index need about ${gb(memoryNeeded)} of memory and ${gb(freemem())} is free` };
  }

  const before = memory();
  const corpus = await timed(() => syntheticArticles({ seed: plan.seed, passages: plan.passages }).map(toStored));
  const corpusHeapMB = memory().heapMB - before.heapMB;
  progress(`corpus of ${plan.passages.toLocaleString('en')} passages generated in ${(corpus.ms / 1000).toFixed(1)} s (${corpusHeapMB.toFixed(0)} MB of heap)`);
  try {
    const queries = splitQueries(plan.seed, plan.queries);
    const ours = await benchOurs(corpus.value, queries, matchers, join(tempDir, `passages-${plan.passages}.idx`), progress);
    const elapsed = performance.now() - started;
    let fts5: Extract<MillionResult, { ran: true }>['fts5'];
    if (elapsed < plan.fts5BudgetMs) {
      progress('SQLite FTS5 over the same passages');
      const figures = await benchFts5(engineDocs(corpus.value), queries.warmUp.slice(0, 5), queries.measured.slice(0, plan.fts5Queries), join(tempDir, `fts5-${plan.passages}.sqlite`));
      fts5 = { ran: true, figures, fullOverFts5: round(ours.full.p95 / figures.query.p95, 4) };
    } else {
      fts5 = { ran: false, reason: `the section had already taken ${(elapsed / 60_000).toFixed(1)} min (budget for starting FTS5: ${(plan.fts5BudgetMs / 60_000).toFixed(0)} min)` };
    }
    return {
      ran: true, ...ours, corpusMs: corpus.ms, corpusHeapMB,
      peakRssMB: process.resourceUsage().maxRSS / 1024, totalMs: performance.now() - started,
      fullOverBare: round(ours.full.p95 / ours.bare.p95, 2), fts5,
    };
  } catch (err) {
    // Typed arrays that cannot be allocated throw a RangeError; say so instead of a stack trace.
    if (!(err instanceof RangeError)) throw err;
    return { ran: false, passages: plan.passages, reason: `out of memory while indexing: ${err.message}` };
  }
}
