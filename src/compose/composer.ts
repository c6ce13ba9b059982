import type { Period } from '../model.ts';
import type { FallbackReason } from './compose-error.ts';
import type { Cited, Draft } from './draft.ts';

/** What is being written: a brief on a period, an answer to a question, or a digest of what is new since the last one. */
export type ComposeKind = 'brief' | 'ask' | 'digest';

/** What a composer is asked to write. `sources` are numbered 1..n in this order, in the prompt and in reasons. */
export type ComposeRequest = {
  kind: ComposeKind;
  topicTitle: string | null;
  period: Period;
  /** The newest source's day (YYYY-MM-DD), or null when there is none. */
  asOf: string | null;
  question?: string;
  /** BCP 47 tag (e.g. 'en', 'ko') of the language to write in; absent -> English. The extractive composer quotes as written. */
  language?: string;
  sources: Cited[];
};

/** Tokens the model server reported for one call. */
export type TokenUsage = { in: number; out: number };

/**
 * How one caller wants a request run. None of it changes what is written, so none of it is part of a cache
 * key, and a composer that calls no model ignores all of it.
 */
export type ComposeOptions = {
  /** Aborted when the caller stops waiting (INTERACTION_TIMEOUT_SECONDS): a request waiting for the model leaves the line, a running one is cancelled. */
  signal?: AbortSignal | undefined;
  /** The Discord server asking: its daily token budget applies, and the model queue lets servers take turns. Absent for the CLI. */
  guildId?: string | undefined;
  /** Called when the request has to wait for the model, and again (at most once a second) as its place improves: how many are ahead. */
  onQueued?: ((ahead: number) => void) | undefined;
  /** Called when the backup answered instead of the model, with the reason (its notice is on the draft). */
  onFallback?: ((reason: FallbackReason) => void) | undefined;
  /** Called with the tokens of each model call made for this request (the model gate counts them against the budget). */
  onUsage?: ((usage: TokenUsage) => void) | undefined;
};

/** The port every composer implements (STYLE 3.5). Claims in the draft cite passage ids. */
export interface Composer {
  readonly name: 'extractive' | 'llm';
  /** The model name, or "offline extractive". */
  readonly label: string;
  compose(request: ComposeRequest, options?: ComposeOptions): Promise<Draft>;
  /**
   * What makes two requests identical for this composer (for the LLM: the model and the prompt text).
   * Absent: the label and the request.
   */
  cacheKey?(request: ComposeRequest): string;
}

/** The id a claim carries for a citation number outside 1..n, so the verifier can report it. */
export const unknownSourceId = (n: number): string => `[${n}]`;

/** The request's sources by passage id, in request order: what the verifier checks claims against. */
export function citedOf(request: Pick<ComposeRequest, 'sources'>): Map<string, Cited> {
  return new Map(request.sources.map((source) => [source.passage.id, source]));
}

/**
 * A composer that returns a draft already written, e.g. the extractive draft computed while selecting
 * the sources, as the backup of `withFallback`. Each call gets its own copy.
 */
export function fixedComposer(draft: Draft, label = 'offline extractive'): Composer {
  return { name: draft.composedBy, label, compose: async () => structuredClone(draft) };
}
