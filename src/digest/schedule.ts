import { Cron } from 'croner';
import type { Cadence } from './cadence.ts';

/*
 * When a cadence's ticks fall, as pure functions of explicit instants: nothing here reads the clock or
 * starts a timer. A tick is what croner's forward search (`nextRun`) yields, and every function below is
 * built on that one search, so they agree with each other at DST edges. Croner's backward search
 * (`previousRuns`) is not used: it carries wall-clock state from run to run and, at a spring-forward,
 * returns the same instant twice.
 *
 * What croner 10.0.1 does at DST edges (pinned in tests/digest/schedule.test.ts; its README says gap
 * runs are skipped, which is not what it does):
 * - A local time that does not exist (the spring-forward gap) runs once, shifted forward by the gap:
 *   02:30 in New York on 2026-03-08 runs at 03:30 EDT.
 * - A local time that happens twice (fall-back) runs once, at its first occurrence (the summer one).
 * - An hourly cron therefore has one run for the two labels 02:00/03:00 at spring-forward and no run at
 *   the repeated 01:00 at fall-back (05:00Z then 07:00Z in New York).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * How far `previousTick` looks back. Daily and weekly: a week plus a day for DST. Cron: eight years and
 * a day, long enough for `0 0 29 2 *` across a century's skipped leap year (2096 to 2104).
 */
const LOOKBACK_MS = { calendar: 8 * DAY_MS, cron: (8 * 366 + 1) * DAY_MS } as const;

/**
 * `missedTicks` is counted up to this many and reported as this many beyond it. Each tick costs one
 * croner search (~0.3 ms: croner builds an `Intl.DateTimeFormat` per conversion), and past a hundred
 * the exact number tells a reader nothing more; the window itself is still found exactly.
 */
export const MAX_COUNTED_TICKS = 100;

const CRON_WEEKDAY = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

/** The five-field cron pattern croner runs for a cadence. */
export function cronPattern(cadence: Cadence): string {
  if (cadence.kind === 'cron') return cadence.expr;
  const [hour, minute] = cadence.time.split(':').map(Number);
  const weekday = cadence.kind === 'weekly' ? String(CRON_WEEKDAY[cadence.weekday]) : '*';
  return `${minute} ${hour} * * ${weekday}`;
}

/** `paused` and no callback: the job is only ever asked questions, it never arms a timer. */
const jobFor = (cadence: Cadence, timezone: string) => new Cron(cronPattern(cadence), { timezone, paused: true, mode: '5-part' });

/**
 * Croner can answer with an instant at or before `after` when `after` falls in the second pass of a
 * fall-back hour (it maps the next local time to its first occurrence). Searching again from that
 * answer leaves the repeated hour, so one retry is enough; three is a margin, and more is a bug.
 */
function strictlyAfter(job: Cron, after: Date): Date | undefined {
  let next = job.nextRun(after);
  for (let retries = 0; next && next.getTime() <= after.getTime(); retries++) {
    if (retries === 3) throw new Error(`croner kept returning ${next.toISOString()} for a run after ${after.toISOString()} (${job.getPattern()})`);
    next = job.nextRun(next);
  }
  return next ?? undefined;
}

/** The first tick strictly after `after`; undefined if the cadence never runs again. */
export function nextRun(cadence: Cadence, timezone: string, after: Date): Date | undefined {
  return strictlyAfter(jobFor(cadence, timezone), after);
}

/**
 * The latest tick t with notBefore < t <= now. Bisects on "is there a tick in (x, now]?", which is
 * monotone in x, down to one minute (ticks are whole minutes): about log2(span in minutes) searches,
 * 19 for a year back, whatever the cadence.
 */
function latestTick(job: Cron, now: Date, notBefore: Date): Date | undefined {
  const first = strictlyAfter(job, notBefore);
  if (!first || first > now) return undefined;
  // Invariant: a tick lies in (low, now]; none lies in (high, now].
  let low = first.getTime() - 1;
  let high = now.getTime();
  while (high - low >= MINUTE_MS) {
    const middle = Math.floor((low + high) / 2);
    const next = strictlyAfter(job, new Date(middle));
    if (next && next <= now) low = middle;
    else high = middle;
  }
  return strictlyAfter(job, new Date(low));
}

/** The most recent tick t with notBefore < t <= now, or undefined if there is none. */
export function latestTickAtOrBefore(cadence: Cadence, timezone: string, now: Date, notBefore: Date): Date | undefined {
  return latestTick(jobFor(cadence, timezone), now, notBefore);
}

/**
 * The latest tick strictly before `at`, looked for within LOOKBACK_MS. A new subscription's cursor, so
 * that its first digest covers one full period.
 */
export function previousTick(cadence: Cadence, timezone: string, at: Date): Date | undefined {
  const lookback = cadence.kind === 'cron' ? LOOKBACK_MS.cron : LOOKBACK_MS.calendar;
  return latestTickAtOrBefore(cadence, timezone, new Date(at.getTime() - 1), new Date(at.getTime() - lookback));
}

export type DueWindow = { since: Date; until: Date; missedTicks: number };

/**
 * The window a subscription's next digest covers, or undefined if no tick has passed since its cursor.
 * After downtime the missed ticks fold into one window, from the cursor to the latest tick, so a
 * channel gets one catch-up digest rather than one per tick. `missedTicks` says how many were folded
 * (1 normally), counted up to MAX_COUNTED_TICKS.
 */
export function dueWindow(subscription: { cadence: Cadence; timezone: string; cursor: Date }, now: Date): DueWindow | undefined {
  const { cadence, timezone, cursor } = subscription;
  const job = jobFor(cadence, timezone);
  let until = strictlyAfter(job, cursor);
  if (!until || until > now) return undefined;
  let missedTicks = 1;
  for (let next = strictlyAfter(job, until); next && next <= now; next = strictlyAfter(job, until)) {
    if (missedTicks === MAX_COUNTED_TICKS) return { since: cursor, until: latestTick(job, now, until) ?? until, missedTicks };
    until = next;
    missedTicks++;
  }
  return { since: cursor, until, missedTicks };
}

/**
 * `dueWindow` for many subscriptions at one instant. Subscriptions on one schedule that were delivered
 * together share their cursor, and so their window: each distinct (cadence, zone, cursor) is searched
 * once. A thousand channels on one weekly digest then cost two croner searches, not two thousand
 * (≈ 0.9 s of a check, all of it before the first message).
 */
export function dueWindowsAt(now: Date): (subscription: { cadence: Cadence; timezone: string; cursor: Date }) => DueWindow | undefined {
  const windows = new Map<string, DueWindow | undefined>();
  return (subscription) => {
    const key = `${cronPattern(subscription.cadence)}|${subscription.timezone}|${subscription.cursor.getTime()}`;
    if (!windows.has(key)) windows.set(key, dueWindow(subscription, now));
    return windows.get(key);
  };
}

/** Whether the runtime knows `timezone` as an IANA zone (croner resolves zones through the same Intl). */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
