import type { ComposeKind } from './composer.ts';

/** Why a composer could not produce a draft; each code has one sentence for the reader in `fallbackNotice`. */
export type ComposeFailureCode =
  | 'bad-key'
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'aborted'
  | 'unreachable'
  | 'unknown-model'
  | 'bad-request'
  | 'bad-output'
  | 'unsupported'
  /** LLM_QUEUE_MAX requests were already waiting for the model. */
  | 'busy'
  /** The server has used GUILD_DAILY_TOKEN_BUDGET tokens today (UTC). */
  | 'over-budget';

/** Why the backup answered: a failure, a bug ('unexpected'), or a model that wrote nothing it could cite ('nothing-cited'). */
export type FallbackReason = ComposeFailureCode | 'unexpected' | 'nothing-cited';

/** A failure of the model path, with the HTTP status when there was one. Thrown by composers, caught by withFallback. */
export class ComposeError extends Error {
  override name = 'ComposeError';
  constructor(
    readonly code: ComposeFailureCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the reader holds: "brief", "answer" or "digest". */
export const kindNoun = (kind: ComposeKind): string => (kind === 'ask' ? 'answer' : kind);

/** The notice a reader sees above the extractive brief, answer or digest that replaced the model's. */
export function fallbackNotice(code: ComposeFailureCode | 'unexpected', kind: ComposeKind, status?: number): string {
  const noun = kindNoun(kind);
  const instead = `showing the offline extractive ${noun} instead.`;
  switch (code) {
    case 'bad-key': return `The model rejected the API key (${status ?? 401}); ${instead}`;
    case 'rate-limited': return `The model is rate-limited (429) and still was after retrying; ${instead}`;
    case 'server-error': return `The model's server failed (${status ?? 500}) and still did after retrying; ${instead}`;
    case 'timeout': return `The model did not answer within OPENAI_TIMEOUT_SECONDS; ${instead}`;
    case 'aborted': return `The model request was cancelled before it answered; ${instead}`;
    case 'unreachable': return `Could not reach the model server (check OPENAI_BASE_URL); ${instead}`;
    case 'unknown-model': return `The model server does not know BRIEF_MODEL (${status ?? 404}); ${instead}`;
    case 'bad-request': return `The model server refused the request (${status ?? 400}); ${instead}`;
    case 'bad-output': return `The model's reply was not valid JSON, even after one repair attempt; ${instead}`;
    case 'unsupported': return `None of the model's points was supported by the sources it cited; ${instead}`;
    case 'busy': return `The model is busy; this is the extractive ${noun}.`;
    case 'over-budget': return `This server has used today's model budget; this ${noun} is extractive until 00:00 UTC.`;
    case 'unexpected': return `The model composer failed unexpectedly; ${instead}`;
  }
}
