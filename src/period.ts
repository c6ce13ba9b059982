import { fail, isoDay, ok, type Period, type Result } from './model.ts';
import type { AppFailure } from './failures.ts';

const DAY_MS = 86_400_000;

/** "7d" (days before `now`) or "YYYY-MM-DD". Returns the start of that day in UTC. */
export function parseDay(value: string, now: Date): Date | undefined {
  const relative = /^(\d{1,5})d$/.exec(value.trim());
  if (relative) return new Date(Date.parse(isoDay(now)) - Number(relative[1]) * DAY_MS);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return undefined;
  const date = new Date(`${value.trim()}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || isoDay(date) !== value.trim() ? undefined : date;
}

export type Window = { since: Date; until: Date; period: Period };

/** The window of a brief: since defaults to `defaultSince` days back, until to today; both inclusive days. */
export function resolveWindow(input: { since?: string | undefined; until?: string | undefined }, defaultSince: string, now: Date): Result<Window, AppFailure> {
  const until = input.until === undefined ? parseDay('0d', now) : parseDay(input.until, now);
  if (!until) return fail({ code: 'bad-date', option: 'until', value: input.until ?? '' });
  const since = parseDay(input.since ?? defaultSince, now);
  if (!since) return fail({ code: 'bad-date', option: 'since', value: input.since ?? '' });
  if (since > until) return fail({ code: 'bad-period', since: isoDay(since), until: isoDay(until) });
  return ok({ since, until, period: { since: isoDay(since), until: isoDay(until) } });
}
