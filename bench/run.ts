/**
 * `npm run bench [-- --quick] [-- --json]`: what retrieval, /brief and ingest cost on this machine,
 * each beside a baseline measured in the same run (these machines are noisy; ratios travel, raw
 * milliseconds do not). Tables go to stdout; with --json, stdout carries one JSON document and the
 * tables go to stderr. Nothing here asserts a timing: the targets are printed for a person to read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { loadTopics } from '../src/topics/load-topics.ts';
import { topicMatcher } from '../src/topics/topic-matcher.ts';
import { benchIngest, type IngestPlan } from './ingest-section.ts';
import { benchPipeline, type PipelinePlan } from './pipeline-section.ts';
import { ingestTable, pipelineTable, retrievalTables, tokensTable } from './report.ts';
import { benchRetrieval, type RetrievalPlan } from './retrieval-section.ts';
import { benchTokens } from './tokens-section.ts';

const SEED = 20_261_127;
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');

/** --quick: 10k passages only and fewer queries, under a minute on 2 cores. */
const PLANS: { retrieval: RetrievalPlan[]; pipeline: PipelinePlan; ingest: IngestPlan } = quick
  ? {
      retrieval: [{ passages: 10_000, queries: 200, engineQueries: 100, miniSearchQueries: 50, seed: SEED }],
      pipeline: { briefs: 60, syntheticPassages: 10_000, seed: SEED },
      ingest: { articles: 1_000, seed: SEED },
    }
  : {
      retrieval: [
        { passages: 10_000, queries: 500, engineQueries: 200, miniSearchQueries: 100, seed: SEED },
        { passages: 100_000, queries: 500, engineQueries: 100, miniSearchQueries: 30, seed: SEED },
      ],
      pipeline: { briefs: 200, syntheticPassages: 100_000, seed: SEED },
      ingest: { articles: 5_000, seed: SEED },
    };

const out = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`… ${text}\n`);

const tempDir = await mkdtemp(join(tmpdir(), 'briefing-bench-'));
try {
  const started = performance.now();
  const config = loadConfig({ DATA_DIR: tempDir, LOG_LEVEL: 'silent' });
  const matchers = (await loadTopics(config.TOPICS_DIR)).map(topicMatcher);
  out(`briefing-bot bench${quick ? ' --quick' : ''} · node ${process.version} · seed ${SEED}\n`);

  const retrieval = [];
  for (const plan of PLANS.retrieval) {
    progress(`retrieval at ${plan.passages.toLocaleString('en')} passages`);
    retrieval.push(await benchRetrieval(plan, matchers, tempDir));
  }
  out(retrievalTables(retrieval));

  progress(`pipeline on the sample corpus and ${PLANS.pipeline.syntheticPassages.toLocaleString('en')} passages`);
  const pipeline = await benchPipeline(PLANS.pipeline, tempDir);
  out(pipelineTable(pipeline));

  progress(`ingest of ${PLANS.ingest.articles.toLocaleString('en')} Markdown files`);
  const ingest = await benchIngest(PLANS.ingest, matchers, tempDir);
  out(ingestTable(ingest));

  progress('prompt tokens per brief on the sample corpus');
  const tokens = await benchTokens(loadConfig({ DATA_DIR: join(tempDir, 'tokens'), LOG_LEVEL: 'silent' }));
  out(tokensTable(tokens));
  const fanout = { skipped: 'needs the digests issue' };
  out(`## fanout\nskipped: ${fanout.skipped}\n`);
  out(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (json) process.stdout.write(`${JSON.stringify({ quick, seed: SEED, retrieval, pipeline, ingest, tokens, fanout }, null, 2)}\n`);
} finally {
  await rm(tempDir, { recursive: true, force: true });
}
