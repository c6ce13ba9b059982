import { join } from 'node:path';
import { createApp, type App } from '../src/app.ts';
import type { BriefInput } from '../src/briefing.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { isoDay } from '../src/model.ts';
import { briefMessage } from '../src/render/discord-embeds.ts';
import { keyvArticleStore } from '../src/store/keyv-article-store.ts';
import { readIndexFile } from '../src/retrieval/index-file.ts';
import { inFreshProcess } from './fresh-process.ts';
import { latencies, percentiles, round, type Percentiles } from './measure.ts';
import { pick, randomInt, seededRandom } from './random.ts';
import { BENCH_NOW, syntheticArticles, toStored } from './synthetic-corpus.ts';

export type PipelinePlan = { briefs: number; syntheticPassages: number; seed: number };
export type ColdStart = { processToFirstBriefMs: number; createAppToFirstBriefMs: number };
export type PipelineCorpus = { label: string; passages: number; articles: number; brief: Percentiles; coldStart: ColdStart; points: number };
export type PipelineResult = { corpora: PipelineCorpus[] };

const DAY_MS = 86_400_000;
const FOCUS_WORDS = ['trade', 'sanctions', 'border', 'visit', 'Xi Jinping', 'railway', 'message', 'Dandong', 'delegation', 'customs'];

/** What members ask /brief for: the default window, past months, and a few with a focus. */
function briefInputs(seed: number, count: number): BriefInput[] {
  const random = seededRandom(seed ^ 0xb41ef);
  const first = Date.UTC(2017, 2, 1);
  const span = Math.floor((BENCH_NOW.getTime() - first) / DAY_MS);
  return Array.from({ length: count }, (_, i) => {
    if (i % 5 === 0) return { topic: 'china-dprk' };
    const until = new Date(first + randomInt(random, 30, span) * DAY_MS);
    const since = new Date(until.getTime() - randomInt(random, 7, 90) * DAY_MS);
    return { topic: 'china-dprk', since: isoDay(since), until: isoDay(until), ...(i % 3 === 0 ? { focus: pick(random, FOCUS_WORDS) } : {}) };
  });
}

/** One /brief as the Discord front door runs it: compose, then render to embeds. */
async function briefOnce(app: App, input: BriefInput): Promise<number> {
  const result = await app.brief(input);
  if (!result.ok) return 0;
  briefMessage(result.value, { topicTitle: 'China–DPRK relations' });
  return result.value.points.length;
}

/**
 * A fresh process (the same tsx loader as this one) that opens the app on `dataDir` and makes one
 * brief: module loading, reading the persisted index and the store, composing and rendering.
 */
async function coldStart(dataDir: string): Promise<ColdStart> {
  return inFreshProcess<ColdStart>(join(import.meta.dirname, 'cold-start.ts'), [dataDir, BENCH_NOW.toISOString()]);
}

async function measureCorpus(label: string, config: Config, plan: PipelinePlan): Promise<PipelineCorpus> {
  const app = await createApp(config, silentLogger(), () => BENCH_NOW);
  await app.warmUp(); // seeds the store or builds the index once; not part of a member's /brief
  const inputs = briefInputs(plan.seed, plan.briefs);
  let points = 0;
  for (const input of inputs.slice(0, 10)) await briefOnce(app, input);
  const samples = await latencies(inputs, async (input) => {
    points += await briefOnce(app, input);
  });
  await app.close();
  const index = await readIndexFile(join(config.DATA_DIR, 'passages.idx'));
  return {
    label,
    passages: index?.data.docArticle.length ?? 0,
    articles: index?.data.articleIds.length ?? 0,
    brief: percentiles(samples),
    coldStart: await coldStart(config.DATA_DIR),
    points: round(points / inputs.length, 1),
  };
}

/** The bundled sample corpus, then synthetic passages put through the real Keyv SQLite store. */
export async function benchPipeline(plan: PipelinePlan, tempDir: string): Promise<PipelineResult> {
  const sampleDir = join(tempDir, 'pipeline-sample');
  const sample = await measureCorpus('sample corpus', loadConfig({ DATA_DIR: sampleDir, LOG_LEVEL: 'silent' }), plan);

  const largeDir = join(tempDir, `pipeline-${plan.syntheticPassages}`);
  const config = loadConfig({ DATA_DIR: largeDir, LOG_LEVEL: 'silent' });
  const store = keyvArticleStore(config.STORE_URL, silentLogger());
  const entries = syntheticArticles({ seed: plan.seed, passages: plan.syntheticPassages }).map(toStored);
  // Many puts in flight at once: the driver queues them, and the set-up takes seconds, not minutes.
  for (let i = 0; i < entries.length; i += 200) await Promise.all(entries.slice(i, i + 200).map((entry) => store.put(entry)));
  await store.bumpRevision();
  await store.close();
  const large = await measureCorpus('synthetic', config, plan);
  return { corpora: [sample, large] };
}
