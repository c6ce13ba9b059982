/**
 * `npm run bench [-- --quick] [-- --json]`: what retrieval, /brief and ingest cost on this machine,
 * each beside a baseline measured in the same run (these machines are noisy; ratios travel, raw
 * milliseconds do not). Tables go to stdout; with --json, stdout carries one JSON document and the
 * tables go to stderr. Nothing here asserts a timing: the targets are printed for a person to read.
 *
 * Each section (each retrieval size too) runs in a fresh process: ingest measured right after the
 * 100k retrieval section shared its heap with ~1.8 GB of that section's garbage and ran 15–20% slower
 * than the same section alone.
 *
 * `npm run bench -- --million` runs only our index at 1,000,000 passages (several minutes, a few GB
 * of memory); it is never part of the default run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inFreshProcess } from './fresh-process.ts';
import { fanoutTable, ingestTable, millionTable, pipelineTable, retrievalTables, tokensTable } from './report.ts';
import type { FanoutPlan } from './fanout-section.ts';
import type { IngestPlan } from './ingest-section.ts';
import type { PipelinePlan } from './pipeline-section.ts';
import type { MillionPlan, RetrievalPlan } from './retrieval-section.ts';
import type { SectionName, SectionPlan, SectionResult } from './sections.ts';

const SEED = 20_261_127;
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const million = process.argv.includes('--million');
/**
 * --million: 300 measured queries per path keep the p95 meaningful; FTS5 (≈ 0.5 s a query at this size)
 * gets 50 and starts only within the first 5 minutes, so the section stays under 10 minutes on 2 cores.
 */
const MILLION: MillionPlan = { passages: 1_000_000, queries: 300, fts5Queries: 50, fts5BudgetMs: 5 * 60_000, seed: SEED };

/** --quick: 10k passages only and fewer queries, under a minute on 2 cores. */
const PLANS: { retrieval: RetrievalPlan[]; pipeline: PipelinePlan; ingest: IngestPlan; fanout: FanoutPlan } = quick
  ? {
      retrieval: [{ passages: 10_000, queries: 200, engineQueries: 100, miniSearchQueries: 50, seed: SEED }],
      pipeline: { briefs: 60, syntheticPassages: 10_000, seed: SEED },
      ingest: { articles: 1_000, seed: SEED },
      fanout: { channels: 200 },
    }
  : {
      retrieval: [
        { passages: 10_000, queries: 500, engineQueries: 200, miniSearchQueries: 100, seed: SEED },
        { passages: 100_000, queries: 500, engineQueries: 100, miniSearchQueries: 30, seed: SEED },
      ],
      pipeline: { briefs: 200, syntheticPassages: 100_000, seed: SEED },
      ingest: { articles: 5_000, seed: SEED },
      fanout: { channels: 1_000 },
    };

const out = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`… ${text}\n`);

const tempDir = await mkdtemp(join(tmpdir(), 'briefing-bench-'));
const section = <K extends SectionName>(name: K, plan: SectionPlan<K>): Promise<SectionResult<K>> =>
  inFreshProcess<SectionResult<K>>(join(import.meta.dirname, 'section-process.ts'), [name, tempDir, JSON.stringify(plan)]);
try {
  const started = performance.now();
  out(`briefing-bot bench${quick ? ' --quick' : ''}${million ? ' --million' : ''} · node ${process.version} · seed ${SEED}\n`);
  if (million) {
    progress(`our index at ${MILLION.passages.toLocaleString('en')} passages`);
    const result = await section('million', MILLION);
    out(millionTable(result));
    out(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (json) process.stdout.write(`${JSON.stringify({ million: result, seed: SEED }, null, 2)}\n`);
    process.exitCode = result.ran ? 0 : 1;
  } else {
    const retrieval = [];
    for (const plan of PLANS.retrieval) {
      progress(`retrieval at ${plan.passages.toLocaleString('en')} passages`);
      retrieval.push(await section('retrieval', plan));
    }
    out(retrievalTables(retrieval));

    progress(`pipeline on the sample corpus and ${PLANS.pipeline.syntheticPassages.toLocaleString('en')} passages`);
    const pipeline = await section('pipeline', PLANS.pipeline);
    out(pipelineTable(pipeline));

    progress(`ingest of ${PLANS.ingest.articles.toLocaleString('en')} Markdown files`);
    const ingest = await section('ingest', PLANS.ingest);
    out(ingestTable(ingest));

    progress('prompt tokens per brief on the sample corpus');
    const tokens = await section('tokens', {});
    out(tokensTable(tokens));
    progress(`digest fan-out to ${PLANS.fanout.channels.toLocaleString('en')} channels`);
    const fanout = await section('fanout', PLANS.fanout);
    out(fanoutTable(fanout));
    out(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (json) process.stdout.write(`${JSON.stringify({ quick, seed: SEED, retrieval, pipeline, ingest, tokens, fanout }, null, 2)}\n`);
  }
} finally {
  await rm(tempDir, { recursive: true, force: true });
}
