import { z } from 'zod';
import type { Validators } from './fetcher.ts';

const DateLike = z.coerce.date().refine((date) => !Number.isNaN(date.getTime()), 'expected a valid date');

/** What the bot remembers about one feed between runs; shown by /sources. */
export const FeedState = z.object({
  url: z.string().min(1),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** Failures in a row; 0 after any success (a 304 counts). */
  failures: z.number().int().min(0),
  /** The feed is not fetched before this time. */
  nextAttemptAt: DateLike.optional(),
  lastError: z.string().optional(),
  lastAttemptAt: DateLike.optional(),
  lastSuccessAt: DateLike.optional(),
});
export type FeedState = z.infer<typeof FeedState>;

/** The port for feed state; store/keyv-feed-state.ts is the adapter. */
export interface FeedStateStore {
  get(url: string): Promise<FeedState | undefined>;
  set(state: FeedState): Promise<void>;
  /** Every feed the bot has tried, in no particular order. */
  all(): Promise<FeedState[]>;
  close(): Promise<void>;
}

export type BackoffPolicy = {
  /** Wait after the first failure, ms; doubles with each further failure. Default 5 minutes. */
  baseMs: number;
  /** Longest wait, ms. Default 24 hours. */
  maxMs: number;
};
export const BACKOFF_DEFAULTS = { baseMs: 5 * 60_000, maxMs: 24 * 60 * 60_000 } as const satisfies BackoffPolicy;

export const initialState = (url: string): FeedState => ({ url, failures: 0 });

/** Waits base × 2^(failures − 1), capped, and never less than the server's Retry-After. */
export function afterFailure(state: FeedState, now: Date, reason: string, policy: BackoffPolicy = BACKOFF_DEFAULTS, retryAfterMs = 0): FeedState {
  const failures = state.failures + 1;
  const wait = Math.max(retryAfterMs, Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1)));
  return { ...state, failures, lastError: reason, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + wait) };
}

export function afterSuccess(state: FeedState, now: Date, validators: Validators): FeedState {
  const etag = validators.etag ?? state.etag;
  const lastModified = validators.lastModified ?? state.lastModified;
  return {
    url: state.url,
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
    failures: 0,
    lastAttemptAt: now,
    lastSuccessAt: now,
  };
}

export const isBackingOff = (state: FeedState | undefined, now: Date): state is FeedState & { nextAttemptAt: Date } =>
  state?.nextAttemptAt !== undefined && state.nextAttemptAt.getTime() > now.getTime();
