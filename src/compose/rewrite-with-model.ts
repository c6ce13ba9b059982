import type { Logger } from '../log.ts';
import type { Brief, Period } from '../model.ts';
import { citedOf, fixedComposer, type Composer, type ComposeKind, type ComposeOptions, type ComposeRequest } from './composer.ts';
import { toBrief, type Cited, type Draft } from './draft.ts';
import { fitClaims } from './fit-brief.ts';
import { withFallback } from './with-fallback.ts';

/** The model composer as the app built it: verified, cached, gated (queue and budget), and named for the footer. */
export type ModelComposer = { composer: Composer; log: Logger };

export type Extractive = { draft: Draft; cited: ReadonlyMap<string, Cited> };

export type RewriteMeta = {
  kind: ComposeKind;
  topic: string | null;
  topicTitle: string | null;
  period: Period;
  question?: string;
  /** BCP 47 tag (e.g. 'en', 'ko') the model writes in; absent -> English. */
  language?: string | undefined;
  minPoints: number;
};

/**
 * Hands the sources the extractive composer chose to the model, which writes the points; the
 * extractive draft is the fallback for every failure (withFallback), a full model queue and a spent
 * budget included. The period and paywall notices of the extractive draft carry over, and a long model
 * brief loses its last points until it fits. `options` carries the caller's guild, signal and progress
 * callbacks to the model gate.
 */
export async function rewriteWithModel(
  model: ModelComposer,
  extractive: Extractive,
  meta: RewriteMeta,
  extraSources: readonly Cited[] = [],
  options: ComposeOptions = {},
): Promise<Brief> {
  const sources = [...extractive.cited.values()];
  for (const source of extraSources) if (!extractive.cited.has(source.passage.id)) sources.push(source);
  const asOf = sources.reduce<string | null>((latest, { article }) => {
    const day = article.publishedAt.toISOString().slice(0, 10);
    return latest === null || day > latest ? day : latest;
  }, null);
  const request: ComposeRequest = {
    kind: meta.kind, topicTitle: meta.topicTitle, period: meta.period, asOf, sources,
    ...(meta.question !== undefined ? { question: meta.question } : {}),
    ...(meta.language !== undefined ? { language: meta.language } : {}),
  };
  const draft = await withFallback(model.composer, fixedComposer(extractive.draft), model.log).compose(request, options);
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

export type DigestMeta = { topic: string; topicTitle: string; period: Period; language?: string | undefined; minPoints?: number };

/**
 * A digest rewritten by the model with prompts/digest.md, in `language` when given; the extractive digest on
 * any failure, with its notice. `minPoints` defaults to 1.
 */
export function rewriteDigest(model: ModelComposer, extractive: Extractive, meta: DigestMeta, options: ComposeOptions = {}): Promise<Brief> {
  const { minPoints = 1, ...rest } = meta;
  return rewriteWithModel(model, extractive, { ...rest, kind: 'digest', minPoints }, [], options);
}
