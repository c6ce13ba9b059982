import { describe, expect, it } from 'vitest';
import type { Cadence } from '../../src/digest/cadence.ts';
import { cronPattern, dueWindow, dueWindowsAt, isValidTimezone, latestTickAtOrBefore, MAX_COUNTED_TICKS, nextRun, previousTick } from '../../src/digest/schedule.ts';

const at = (iso: string) => new Date(iso);
const daily = (time: string): Cadence => ({ kind: 'daily', time });
const cron = (expr: string): Cadence => ({ kind: 'cron', expr });
const HOUR_MS = 3_600_000;

/** Every tick in (from, to], by walking nextRun: the reference the faster searches are checked against. */
function ticksBetween(cadence: Cadence, timezone: string, from: Date, to: Date): string[] {
  const ticks: string[] = [];
  for (let t = nextRun(cadence, timezone, from); t && t <= to; t = nextRun(cadence, timezone, t)) ticks.push(t.toISOString());
  return ticks;
}

describe('cron pattern for a cadence', () => {
  it('writes daily and weekly cadences as five-field cron with Sunday as 0', () => {
    expect(cronPattern(daily('08:05'))).toBe('5 8 * * *');
    expect(cronPattern({ kind: 'weekly', weekday: 'sun', time: '23:30' })).toBe('30 23 * * 0');
    expect(cronPattern({ kind: 'weekly', weekday: 'mon', time: '00:00' })).toBe('0 0 * * 1');
    expect(cronPattern(cron('0 8 * * 1-5'))).toBe('0 8 * * 1-5');
  });
});

describe('daily cadence across DST in America/New_York (2026-03-08 and 2026-11-01)', () => {
  const tz = 'America/New_York';

  it('fires 08:00 at 13:00Z before spring-forward and 12:00Z from the transition day on', () => {
    expect(ticksBetween(daily('08:00'), tz, at('2026-03-06T00:00Z'), at('2026-03-09T23:00Z'))).toEqual([
      '2026-03-06T13:00:00.000Z', '2026-03-07T13:00:00.000Z', '2026-03-08T12:00:00.000Z', '2026-03-09T12:00:00.000Z',
    ]);
  });

  it('fires 08:00 at 12:00Z before fall-back and 13:00Z again from the transition day on', () => {
    expect(ticksBetween(daily('08:00'), tz, at('2026-10-30T00:00Z'), at('2026-11-02T23:00Z'))).toEqual([
      '2026-10-30T12:00:00.000Z', '2026-10-31T12:00:00.000Z', '2026-11-01T13:00:00.000Z', '2026-11-02T13:00:00.000Z',
    ]);
  });

  it('runs a 02:30 that does not exist on spring-forward day once, at 03:30 EDT (croner shifts it by the gap)', () => {
    // The local day 2026-03-08 runs from 00:00 EST (05:00Z) to 00:00 EDT on the 9th (04:00Z).
    expect(ticksBetween(daily('02:30'), tz, at('2026-03-08T05:00Z'), at('2026-03-09T04:00Z'))).toEqual(['2026-03-08T07:30:00.000Z']);
    expect(nextRun(daily('02:30'), tz, at('2026-03-08T07:30Z'))).toEqual(at('2026-03-09T06:30Z'));
  });

  it('runs a 01:30 that happens twice on fall-back day once, at its first (EDT) occurrence', () => {
    // The local day 2026-11-01 runs from 00:00 EDT (04:00Z) to 00:00 EST on the 2nd (05:00Z).
    expect(ticksBetween(daily('01:30'), tz, at('2026-11-01T04:00Z'), at('2026-11-02T05:00Z'))).toEqual(['2026-11-01T05:30:00.000Z']);
  });

  it('does not run 01:30 again when asked from inside the repeated hour, though croner alone would answer 05:30Z', () => {
    expect(nextRun(daily('01:30'), tz, at('2026-11-01T06:10Z'))).toEqual(at('2026-11-02T06:30Z'));
    expect(previousTick(daily('01:30'), tz, at('2026-11-01T07:00Z'))).toEqual(at('2026-11-01T05:30Z'));
  });

  it('gives an hourly cron one run for 02:00/03:00 at spring-forward and none for the repeated 01:00 at fall-back', () => {
    expect(ticksBetween(cron('0 * * * *'), tz, at('2026-03-08T04:30Z'), at('2026-03-08T09:00Z'))).toEqual([
      '2026-03-08T05:00:00.000Z', '2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z', '2026-03-08T09:00:00.000Z',
    ]);
    expect(ticksBetween(cron('0 * * * *'), tz, at('2026-11-01T03:30Z'), at('2026-11-01T08:00Z'))).toEqual([
      '2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z', '2026-11-01T07:00:00.000Z', '2026-11-01T08:00:00.000Z',
    ]);
  });
});

describe('daily cadence across DST in Europe/London (2026-03-29 and 2026-10-25)', () => {
  const tz = 'Europe/London';

  it('fires 08:00 at 08:00Z in winter and 07:00Z in summer', () => {
    expect(ticksBetween(daily('08:00'), tz, at('2026-03-28T00:00Z'), at('2026-03-30T23:00Z'))).toEqual([
      '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z',
    ]);
    expect(ticksBetween(daily('08:00'), tz, at('2026-10-24T00:00Z'), at('2026-10-26T23:00Z'))).toEqual([
      '2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('runs a 01:30 that does not exist on 2026-03-29 once, at 02:30 BST', () => {
    expect(ticksBetween(daily('01:30'), tz, at('2026-03-29T00:00Z'), at('2026-03-29T23:00Z'))).toEqual(['2026-03-29T01:30:00.000Z']);
  });

  it('runs a 01:30 that happens twice on 2026-10-25 once, at 01:30 BST', () => {
    expect(ticksBetween(daily('01:30'), tz, at('2026-10-24T23:00Z'), at('2026-10-26T00:00Z'))).toEqual(['2026-10-25T00:30:00.000Z']);
  });
});

describe('weekly cadence', () => {
  it('runs Monday 07:00 in Pacific/Auckland on Sunday in UTC, summer (+13) and winter (+12)', () => {
    const monday = { kind: 'weekly', weekday: 'mon', time: '07:00' } as const;
    const summer = nextRun(monday, 'Pacific/Auckland', at('2026-02-26T00:00Z'))!;
    expect(summer).toEqual(at('2026-03-01T18:00Z'));
    expect(summer.getUTCDay()).toBe(0);
    const winter = nextRun(monday, 'Pacific/Auckland', at('2026-06-10T00:00Z'))!;
    expect(winter).toEqual(at('2026-06-14T19:00Z'));
    expect(winter.getUTCDay()).toBe(0);
  });

  it('runs Friday 20:00 in America/Los_Angeles on Saturday in UTC', () => {
    const friday = nextRun({ kind: 'weekly', weekday: 'fri', time: '20:00' }, 'America/Los_Angeles', at('2026-01-05T00:00Z'))!;
    expect(friday).toEqual(at('2026-01-10T04:00Z'));
    expect(friday.getUTCDay()).toBe(6);
  });
});

describe('next run', () => {
  it('is strictly after the given instant, even when that instant is a tick', () => {
    expect(nextRun(daily('08:00'), 'UTC', at('2026-01-01T08:00:00.000Z'))).toEqual(at('2026-01-02T08:00Z'));
    expect(nextRun(daily('08:00'), 'UTC', at('2026-01-01T08:00:00.500Z'))).toEqual(at('2026-01-02T08:00Z'));
    expect(nextRun(daily('08:00'), 'UTC', at('2026-01-01T07:59:59.999Z'))).toEqual(at('2026-01-01T08:00Z'));
  });

  it('is undefined for a cron that never matches a date', () => {
    expect(nextRun(cron('0 0 30 2 *'), 'UTC', at('2026-01-01T00:00Z'))).toBeUndefined();
  });
});

describe('previous tick for a new subscription', () => {
  it('is the latest tick strictly before the instant, so the first digest covers one full period', () => {
    expect(previousTick(daily('08:00'), 'America/New_York', at('2026-03-10T15:00Z'))).toEqual(at('2026-03-10T12:00Z'));
    expect(previousTick(daily('08:00'), 'America/New_York', at('2026-03-10T12:00Z'))).toEqual(at('2026-03-09T12:00Z'));
    expect(previousTick(daily('08:00'), 'America/New_York', at('2026-03-08T11:59Z'))).toEqual(at('2026-03-07T13:00Z'));
  });

  it('reaches back a whole week for a weekly cadence', () => {
    const monday = { kind: 'weekly', weekday: 'mon', time: '07:00' } as const;
    // Monday 2026-03-09 06:59 in Auckland: the previous run is the Monday before.
    expect(previousTick(monday, 'Pacific/Auckland', at('2026-03-08T17:59Z'))).toEqual(at('2026-03-01T18:00Z'));
  });

  it('reaches back months for a sparse cron, in the cron timezone', () => {
    expect(previousTick(cron('0 9 1 * *'), 'Asia/Tokyo', at('2026-05-20T00:00Z'))).toEqual(at('2026-05-01T00:00Z'));
    expect(previousTick(cron('0 0 1 1 *'), 'Europe/London', at('2026-06-01T00:00Z'))).toEqual(at('2026-01-01T00:00Z'));
    expect(previousTick(cron('0 12 29 2 *'), 'UTC', at('2026-06-01T00:00Z'))).toEqual(at('2024-02-29T12:00Z'));
  });

  it('is undefined when no tick lies in the lookback', () => {
    expect(previousTick(cron('0 0 30 2 *'), 'UTC', at('2026-06-01T00:00Z'))).toBeUndefined();
  });
});

describe('latest tick at or before now', () => {
  it('counts a tick at exactly now and not one at exactly notBefore', () => {
    expect(latestTickAtOrBefore(daily('08:00'), 'UTC', at('2026-01-05T08:00Z'), at('2026-01-01T00:00Z'))).toEqual(at('2026-01-05T08:00Z'));
    expect(latestTickAtOrBefore(daily('08:00'), 'UTC', at('2026-01-05T09:00Z'), at('2026-01-05T08:00Z'))).toBeUndefined();
  });

  it('agrees with walking every tick, across both DST changes in several zones', () => {
    const cases = [
      { cadence: cron('0 * * * *'), tz: 'America/New_York', start: '2026-03-06T00:00Z' },
      { cadence: cron('0 * * * *'), tz: 'America/New_York', start: '2026-10-30T00:00Z' },
      { cadence: cron('0 * * * *'), tz: 'Australia/Lord_Howe', start: '2026-04-03T00:00Z' }, // a 30-minute DST shift
      { cadence: daily('01:30'), tz: 'America/New_York', start: '2026-10-28T00:00Z' },
      { cadence: daily('02:30'), tz: 'Europe/London', start: '2026-03-26T00:00Z' },
    ];
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (const { cadence, tz, start } of cases) {
      const from = at(start);
      const to = new Date(from.getTime() + 5 * 24 * HOUR_MS);
      const ticks = ticksBetween(cadence, tz, from, to).map((iso) => at(iso).getTime());
      for (let i = 0; i < 12; i++) {
        const notBefore = from.getTime() + random() * 3 * 24 * HOUR_MS;
        const now = notBefore + random() * 2 * 24 * HOUR_MS;
        const expected = ticks.filter((t) => t > notBefore && t <= now).at(-1);
        const found = latestTickAtOrBefore(cadence, tz, new Date(now), new Date(notBefore));
        expect(found?.getTime(), `${cronPattern(cadence)} in ${tz}, (${new Date(notBefore).toISOString()}, ${new Date(now).toISOString()}]`).toBe(expected);
      }
    }
  });
});

describe('due window', () => {
  const subscription = (cursor: string, cadence: Cadence = daily('08:00'), timezone = 'Europe/London') => ({ cadence, timezone, cursor: at(cursor) });

  it('is one window from the cursor to the latest tick when five daily ticks were missed', () => {
    expect(dueWindow(subscription('2026-01-10T08:00Z'), at('2026-01-15T09:30Z'))).toEqual({
      since: at('2026-01-10T08:00Z'),
      until: at('2026-01-15T08:00Z'),
      missedTicks: 5,
    });
  });

  it('is one tick long on an ordinary day', () => {
    expect(dueWindow(subscription('2026-01-14T08:00Z'), at('2026-01-15T08:00:30Z'))).toEqual({ since: at('2026-01-14T08:00Z'), until: at('2026-01-15T08:00Z'), missedTicks: 1 });
  });

  it('is undefined when the cursor is already at the latest tick', () => {
    expect(dueWindow(subscription('2026-01-15T08:00Z'), at('2026-01-15T08:00Z'))).toBeUndefined();
    expect(dueWindow(subscription('2026-01-15T08:00Z'), at('2026-01-16T07:59Z'))).toBeUndefined();
  });

  it('folds a year of hourly ticks into one window quickly, with the count capped', () => {
    const started = performance.now();
    const window = dueWindow(subscription('2025-03-01T10:00Z', cron('0 * * * *'), 'America/New_York'), at('2026-03-01T10:47Z'));
    const elapsedMs = performance.now() - started;
    expect(window).toEqual({ since: at('2025-03-01T10:00Z'), until: at('2026-03-01T10:00Z'), missedTicks: MAX_COUNTED_TICKS });
    expect(elapsedMs).toBeLessThan(2_000); // ~120 croner searches; walking all 8,760 takes seconds
  });

  it('counts exactly up to the cap', () => {
    const window = dueWindow(subscription('2026-01-01T00:00Z', cron('0 * * * *'), 'UTC'), at(new Date(Date.parse('2026-01-01T00:00Z') + MAX_COUNTED_TICKS * HOUR_MS).toISOString()));
    expect(window?.missedTicks).toBe(MAX_COUNTED_TICKS);
    expect(dueWindow(subscription('2026-01-01T00:00Z', cron('0 * * * *'), 'UTC'), at('2026-01-01T23:59Z'))?.missedTicks).toBe(23);
  });

  it('GIVEN many subscriptions at one instant THEN each gets the window dueWindow gives it, shared or not', () => {
    const now = at('2026-01-15T09:30Z');
    const subscriptions = [
      subscription('2026-01-14T08:00Z'),
      subscription('2026-01-14T08:00Z'), // the same schedule and cursor: one search for both
      subscription('2026-01-10T08:00Z'), // the same schedule, further behind
      subscription('2026-01-14T08:00Z', daily('08:00'), 'America/New_York'), // the same cursor in another zone
      subscription('2026-01-14T08:00Z', { kind: 'weekly', weekday: 'wed', time: '08:00' }),
      subscription('2026-01-15T08:00Z'), // already delivered
    ];
    const dueAt = dueWindowsAt(now);
    expect(subscriptions.map((s) => dueAt(s))).toEqual(subscriptions.map((s) => dueWindow(s, now)));
    expect(new Set(subscriptions.map((s) => dueAt(s)?.missedTicks))).toEqual(new Set([1, 5, undefined]));
    // Shared, not searched again: the same schedule and cursor get the very same window.
    expect(dueAt(subscriptions[1]!)).toBe(dueAt(subscriptions[0]!));
  });
});

describe('timezone check', () => {
  it('accepts IANA zones and refuses made-up or empty ones', () => {
    expect(isValidTimezone('Europe/London')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimezone('')).toBe(false);
  });
});
