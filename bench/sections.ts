/**
 * Every bench section behind one signature, so `run.ts` can start each in a fresh process
 * (`section-process.ts`) and no section runs in a heap another one left behind.
 */
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { TopicMatcher } from '../src/topics/topic-matcher.ts';
import { benchFanout, type FanoutPlan } from './fanout-section.ts';
import { benchIngest, type IngestPlan } from './ingest-section.ts';
import { benchPipeline, type PipelinePlan } from './pipeline-section.ts';
import { benchMillion, benchRetrieval, type MillionPlan, type RetrievalPlan } from './retrieval-section.ts';
import { benchTokens } from './tokens-section.ts';

export type SectionContext = { matchers: readonly TopicMatcher[]; tempDir: string; progress: (text: string) => void };

export const SECTIONS = {
  retrieval: (plan: RetrievalPlan, { matchers, tempDir }: SectionContext) => benchRetrieval(plan, matchers, tempDir),
  million: (plan: MillionPlan, { matchers, tempDir, progress }: SectionContext) => benchMillion(plan, matchers, tempDir, progress),
  pipeline: (plan: PipelinePlan, { tempDir }: SectionContext) => benchPipeline(plan, tempDir),
  ingest: (plan: IngestPlan, { matchers, tempDir }: SectionContext) => benchIngest(plan, matchers, tempDir),
  tokens: (_plan: Record<string, never>, { tempDir }: SectionContext) => benchTokens(loadConfig({ DATA_DIR: join(tempDir, 'tokens'), LOG_LEVEL: 'silent' })),
  fanout: (plan: FanoutPlan, { tempDir }: SectionContext) => benchFanout(plan, tempDir),
};

export type SectionName = keyof typeof SECTIONS;
export type SectionPlan<K extends SectionName> = Parameters<(typeof SECTIONS)[K]>[0];
export type SectionResult<K extends SectionName> = Awaited<ReturnType<(typeof SECTIONS)[K]>>;

export const isSectionName = (name: string): name is SectionName => Object.hasOwn(SECTIONS, name);
