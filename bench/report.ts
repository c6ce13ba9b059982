import type { FanoutResult } from './fanout-section.ts';
import type { IngestResult } from './ingest-section.ts';
import { round, table } from './measure.ts';
import type { PipelineResult } from './pipeline-section.ts';
import type { MillionResult, RetrievalResult } from './retrieval-section.ts';
import type { TokensResult } from './tokens-section.ts';

/** The targets of issue 7, printed beside what was measured; `npm run bench` never fails on them. */
export const TARGETS = {
  fullOverBareP95: 1.5,
  fullOverEngineP95: 0.1,
  indexLoadMs: 1000,
  briefP95SampleMs: 50,
  briefP95LargeMs: 150,
  ingestArticlesPerSecond: 1000,
  packedOverStuffedTokens: 0.5,
  fanoutCompositions: 1,
  fanoutOverFloor: 1.1,
} as const;

const verdict = (ok: boolean) => (ok ? 'yes' : 'MISSED');
/** Issue 7 sets the retrieval targets at this size; other sizes print their ratios without a verdict. */
const TARGET_PASSAGES = 100_000;
const seconds = (ms: number) => ms / 1000;

export function retrievalTables(results: readonly RetrievalResult[]): string {
  return results
    .map((r) => {
      const size = `${r.passages.toLocaleString('en')} passages, ${r.articles.toLocaleString('en')} articles, ${r.terms.toLocaleString('en')} terms`;
      const engines = table(
        `retrieval · ${size} · top-10 query latency in ms`,
        ['engine', 'build s', 'heap MB', 'RSS MB', 'on disk MB', 'load ms', 'p50', 'p95', 'p99', 'queries'],
        [
          ['full path: retrieve() + aliases, topic filter, recency, dedupe, diversity', seconds(r.ours.buildMs), r.ours.heapMB, r.ours.rssMB, r.ours.persistedMB, r.ours.loadMs, r.full.p50, r.full.p95, r.full.p99, r.full.n],
          ['bare BM25: Bm25Searcher.search, query words only', '〃', '〃', '〃', '〃', '〃', r.bare.p50, r.bare.p95, r.bare.p99, r.bare.n],
          ['MiniSearch 7, stock settings', seconds(r.miniSearch.buildMs), r.miniSearch.heapMB, r.miniSearch.rssMB, r.miniSearch.persistedMB, r.miniSearch.loadMs, r.miniSearch.query.p50, r.miniSearch.query.p95, r.miniSearch.query.p99, r.miniSearch.query.n],
          ['SQLite FTS5 bm25(), unicode61', seconds(r.fts5.buildMs), r.fts5.heapMB, r.fts5.rssMB, r.fts5.persistedMB, r.fts5.loadMs, r.fts5.query.p50, r.fts5.query.p95, r.fts5.query.p99, r.fts5.query.n],
        ],
      );
      const atTargetSize = r.passages === TARGET_PASSAGES;
      const target = (bound: number) => (atTargetSize ? `≤ ${bound}` : `≤ ${bound} at 100k`);
      const met = (ok: boolean) => (atTargetSize ? verdict(ok) : '—');
      const ratios = table(
        `retrieval · ${r.passages.toLocaleString('en')} passages · ratios of p95 (same run)`,
        ['measure', 'value', 'target', 'met'],
        [
          // Two decimals always: a ratio of exactly 2 printed as "2" read like a count.
          ['full / bare BM25', r.ratios.fullOverBare.toFixed(2), target(TARGETS.fullOverBareP95), met(r.ratios.fullOverBare <= TARGETS.fullOverBareP95)],
          ['full / MiniSearch', r.ratios.fullOverMiniSearch, target(TARGETS.fullOverEngineP95), met(r.ratios.fullOverMiniSearch <= TARGETS.fullOverEngineP95)],
          ['full / FTS5', r.ratios.fullOverFts5, target(TARGETS.fullOverEngineP95), met(r.ratios.fullOverFts5 <= TARGETS.fullOverEngineP95)],
          ['index load ms', r.ours.loadMs, target(TARGETS.indexLoadMs), met(r.ours.loadMs <= TARGETS.indexLoadMs)],
          ['overlap@10, full vs bare (aliases and recency change results on purpose)', r.overlapAt10, '—', '—'],
        ],
      );
      return `${engines}\n${ratios}`;
    })
    .join('\n');
}

/** `--million`: our index alone at a size no stock engine here reaches in the time budget. */
export function millionTable(r: MillionResult): string {
  const size = `${r.passages.toLocaleString('en')} passages`;
  if (!r.ran) return `## million · ${size}\nnot run: ${r.reason}\n`;
  const figures = table(
    `million · ${size}, ${r.articles.toLocaleString('en')} articles, ${r.terms.toLocaleString('en')} terms · our index only`,
    ['measure', 'value'],
    [
      ['corpus generated s (not part of the index)', seconds(r.corpusMs)],
      ['corpus heap MB (live while indexing)', r.corpusHeapMB],
      ['index build s (buildIndexFromStore)', seconds(r.ours.buildMs)],
      ['index heap MB (typed arrays included)', r.ours.heapMB],
      ['index arrays MB', r.ours.arraysMB],
      ['RSS growth during build MB', r.ours.rssMB],
      ['peak RSS of the process MB', r.peakRssMB],
      ['on disk MB (passages.idx)', r.ours.persistedMB],
      [`load ms (read + decode + searcher; target ≤ ${TARGETS.indexLoadMs} at 100k)`, r.ours.loadMs],
      ['whole section s', seconds(r.totalMs)],
    ],
  );
  const queries = table(
    `million · top-10 query latency in ms (${r.full.n} queries, same run)`,
    ['path', 'p50', 'p95', 'p99'],
    [
      ['full path: retrieve() + aliases, topic filter, recency, dedupe, diversity', r.full.p50, r.full.p95, r.full.p99],
      ['bare BM25: Bm25Searcher.search, query words only', r.bare.p50, r.bare.p95, r.bare.p99],
      [`full / bare at p95 (target ≤ ${TARGETS.fullOverBareP95} at 100k)`, round(r.full.p50 / r.bare.p50, 2), r.fullOverBare, '—'],
      ...(r.fts5.ran
        ? [
            [`SQLite FTS5 bm25(), ${r.fts5.figures.query.n} queries (build ${seconds(r.fts5.figures.buildMs).toFixed(0)} s, ${r.fts5.figures.persistedMB.toFixed(0)} MB on disk)`, r.fts5.figures.query.p50, r.fts5.figures.query.p95, r.fts5.figures.query.p99],
            [`full / FTS5 at p95 (target ≤ ${TARGETS.fullOverEngineP95})`, round(r.full.p50 / r.fts5.figures.query.p50, 4), r.fts5.fullOverFts5, '—'],
          ]
        : [[`SQLite FTS5: not run (${r.fts5.reason})`, '—', '—', '—']]),
    ],
  );
  return `${figures}\n${queries}`;
}

export function pipelineTable(result: PipelineResult): string {
  return table(
    '/brief core path: composeBrief (extractive) + Discord embeds, ms',
    ['corpus', 'passages', 'articles', 'p50', 'p95', 'target p95', 'met', 'cold: process → first brief', 'createApp → first brief', 'points/brief'],
    result.corpora.map((c, i) => {
      const target = i === 0 ? TARGETS.briefP95SampleMs : TARGETS.briefP95LargeMs;
      return [c.label, c.passages, c.articles, c.brief.p50, c.brief.p95, `≤ ${target}`, verdict(c.brief.p95 <= target), c.coldStart.processToFirstBriefMs, c.coldStart.createAppToFirstBriefMs, c.points];
    }),
  );
}

export function ingestTable(r: IngestResult): string {
  return table(
    `ingest · ${r.files.toLocaleString('en')} Markdown files → ${r.passages.toLocaleString('en')} passages, no embeddings`,
    ['stage', 'ms', 'articles/s'],
    [
      ['read + parse (readSourceFiles)', r.readMs, r.stages.readPerSecond],
      ['normalize, dedupe, chunk, store (ingestParsed, Keyv SQLite)', r.ingestMs, r.stages.ingestPerSecond],
      ['index build + save (openSearcher)', r.indexMs, r.stages.indexPerSecond],
      [`all stages (target ≥ ${TARGETS.ingestArticlesPerSecond.toLocaleString('en')}/s: ${verdict(r.articlesPerSecond >= TARGETS.ingestArticlesPerSecond)})`, r.readMs + r.ingestMs + r.indexMs, r.articlesPerSecond],
    ],
  );
}

export function tokensTable(r: TokensResult): string {
  return table(
    `tokens · prompt tokens of the sources per brief, mean of ${r.briefs} briefs (one per year of the sample corpus)`,
    ['method', 'tokens', 'ratio', 'target', 'met'],
    [
      ['naive: the cited articles in full', r.stuffed, 1, '—', '—'],
      ['ours: cited passages packed, duplicates merged, under budget', r.packed, r.ratio, `≤ ${TARGETS.packedOverStuffedTokens}`, verdict(r.ratio <= TARGETS.packedOverStuffedTokens)],
    ],
  );
}

export function fanoutTable(r: FanoutResult): string {
  return table(
    `fanout · ${r.channels.toLocaleString('en')} channels subscribed to one topic and schedule, real bot → Discord double at 50 requests/s`,
    ['measure', 'value', 'target', 'met'],
    [
      ['compositions', r.compositions, `= ${TARGETS.fanoutCompositions}`, verdict(r.compositions === TARGETS.fanoutCompositions)],
      ['messages delivered', r.messages, `= ${r.channels}`, verdict(r.messages === r.channels && r.deliveredOnce === r.channels)],
      ['wall time s', r.wallSeconds, '—', '—'],
      ['floor s (channels / 50 per s)', r.floorSeconds, '—', '—'],
      // Three decimals: this sits at the 1.1 line, and 1.104 printed as "1.10 MISSED" reads as a contradiction.
      ['wall / floor', r.overFloor.toFixed(3), `≤ ${TARGETS.fanoutOverFloor}`, verdict(r.overFloor <= TARGETS.fanoutOverFloor)],
      ['messages/s over the whole run', r.messagesPerSecond, '—', '—'],
      ['s before the first message (list, claim, compose)', r.firstMessageSeconds, '—', '—'],
      ['s after the last message (confirm, release)', r.afterLastSeconds, '—', '—'],
    ],
  );
}
