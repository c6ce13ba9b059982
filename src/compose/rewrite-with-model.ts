import type { Logger } from '../log.ts';
import type { Brief, Period } from '../model.ts';
import { citedOf, fixedComposer, type Composer, type ComposeRequest } from './composer.ts';
import { toBrief, type Cited, type Draft } from './draft.ts';
import { fitClaims } from './fit-brief.ts';
import { withFallback } from './with-fallback.ts';

/** The model composer as the app built it: verified, cached, and named for the footer. */
export type ModelComposer = { composer: Composer; log: Logger };

export type Extractive = { draft: Draft; cited: ReadonlyMap<string, Cited> };

export type RewriteMeta = { kind: 'brief' | 'ask'; topic: string | null; topicTitle: string | null; period: Period; question?: string; minPoints: number };

/**
 * Hands the sources the extractive composer chose to the model, which writes the points; the
 * extractive draft is the fallback for every failure (withFallback). The period and paywall notices
 * of the extractive draft carry over, and a long model brief loses its last points until it fits.
 */
export async function rewriteWithModel(model: ModelComposer, extractive: Extractive, meta: RewriteMeta, extraSources: readonly Cited[] = []): Promise<Brief> {
  const sources = [...extractive.cited.values()];
  for (const source of extraSources) if (!extractive.cited.has(source.passage.id)) sources.push(source);
  const asOf = sources.reduce<string | null>((latest, { article }) => {
    const day = article.publishedAt.toISOString().slice(0, 10);
    return latest === null || day > latest ? day : latest;
  }, null);
  const request: ComposeRequest = {
    kind: meta.kind, topicTitle: meta.topicTitle, period: meta.period, asOf, sources,
    ...(meta.question !== undefined ? { question: meta.question } : {}),
  };
  const draft = await withFallback(model.composer, fixedComposer(extractive.draft), model.log).compose(request);
  if (draft.composedBy === 'llm') draft.notices = [...extractive.draft.notices, ...draft.notices];

  const cited = citedOf(request);
  const build = (claims: Draft['claims']): Brief => {
    const brief = toBrief({ ...draft, claims }, cited, { topic: meta.topic, period: meta.period, ...(meta.question !== undefined ? { question: meta.question } : {}) });
    return {
      ...brief,
      ...(draft.composedBy === 'llm' ? { model: model.composer.label } : {}),
      ...(draft.verification ? { verification: draft.verification } : {}),
    };
  };
  return fitClaims(draft.claims, build, meta.minPoints).brief;
}
