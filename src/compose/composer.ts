import type { Period } from '../model.ts';
import type { Cited, Draft } from './draft.ts';

/** What a composer is asked to write. `sources` are numbered 1..n in this order, in the prompt and in reasons. */
export type ComposeRequest = {
  kind: 'brief' | 'ask';
  topicTitle: string | null;
  period: Period;
  /** The newest source's day (YYYY-MM-DD), or null when there is none. */
  asOf: string | null;
  question?: string;
  sources: Cited[];
};

/** The port every composer implements (STYLE 3.5). Claims in the draft cite passage ids. */
export interface Composer {
  readonly name: 'extractive' | 'llm';
  /** The model name, or "offline extractive". */
  readonly label: string;
  compose(request: ComposeRequest, signal?: AbortSignal): Promise<Draft>;
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
