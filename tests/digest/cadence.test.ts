import { describe, expect, it } from 'vitest';
import { Cadence, describeCadence, parseCadenceInput } from '../../src/digest/cadence.ts';

const errorOf = (input: Parameters<typeof parseCadenceInput>[0]): string => {
  const result = parseCadenceInput(input);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
};

describe('cadence input from /subscribe', () => {
  it('reads daily and weekly cadences, padding a one-digit hour and accepting a full weekday name', () => {
    expect(parseCadenceInput({ cadence: 'daily', time: '08:00' })).toEqual({ ok: true, value: { kind: 'daily', time: '08:00' } });
    expect(parseCadenceInput({ cadence: 'daily', time: ' 8:05 ' })).toEqual({ ok: true, value: { kind: 'daily', time: '08:05' } });
    expect(parseCadenceInput({ cadence: 'weekly', time: '23:59', weekday: 'Monday' })).toEqual({ ok: true, value: { kind: 'weekly', weekday: 'mon', time: '23:59' } });
    expect(parseCadenceInput({ cadence: 'weekly', time: '00:00', weekday: 'sun' })).toEqual({ ok: true, value: { kind: 'weekly', weekday: 'sun', time: '00:00' } });
  });

  it('reads a cron expression, tidies its spacing and ignores the time option it does not use', () => {
    expect(parseCadenceInput({ cadence: 'cron', cron: ' 0  8 * * 1-5 ', time: '08:00' })).toEqual({ ok: true, value: { kind: 'cron', expr: '0 8 * * 1-5' } });
    expect(parseCadenceInput({ cadence: 'cron', cron: '0 * * * *', time: 'not a time' }).ok).toBe(true);
  });

  it('explains a time that is not HH:MM in 24-hour form', () => {
    expect(errorOf({ cadence: 'daily', time: '8am' })).toMatchInlineSnapshot(`""8am" is not a time I can use: time must be HH:MM in 24-hour form, e.g. 08:00."`);
    expect(errorOf({ cadence: 'daily', time: '24:00' })).toMatchInlineSnapshot(`""24:00" is not a time I can use: time must be HH:MM in 24-hour form, e.g. 08:00."`);
    expect(errorOf({ cadence: 'weekly', weekday: 'mon', time: '7:60' })).toMatchInlineSnapshot(`""7:60" is not a time I can use: time must be HH:MM in 24-hour form, e.g. 08:00."`);
    expect(errorOf({ cadence: 'daily' })).toMatchInlineSnapshot(`"A daily digest needs a time: time must be HH:MM in 24-hour form, e.g. 08:00."`);
  });

  it('asks for a weekday when a weekly cadence has none or an unknown one', () => {
    expect(errorOf({ cadence: 'weekly', time: '08:00' })).toMatchInlineSnapshot(`"A weekly digest needs a weekday: one of mon, tue, wed, thu, fri, sat, sun."`);
    expect(errorOf({ cadence: 'weekly', time: '08:00', weekday: null })).toMatchInlineSnapshot(`"A weekly digest needs a weekday: one of mon, tue, wed, thu, fri, sat, sun."`);
    expect(errorOf({ cadence: 'weekly', time: '08:00', weekday: 'monsoon' })).toMatchInlineSnapshot(`""monsoon" is not a weekday: use one of mon, tue, wed, thu, fri, sat, sun."`);
  });

  it('asks for a cron expression when the cron cadence has none', () => {
    expect(errorOf({ cadence: 'cron', time: '08:00' })).toMatchInlineSnapshot(`"A cron cadence needs a cron expression: five fields: minute hour day-of-month month day-of-week, e.g. \`0 8 * * 1-5\` for 08:00 on weekdays."`);
  });

  it('refuses cron expressions that are not five valid fields, naming the problem', () => {
    expect(errorOf({ cadence: 'cron', cron: '0 0 8 * * *' })).toMatchInlineSnapshot(`"\`0 0 8 * * *\` is not a cron expression: it needs five fields: minute hour day-of-month month day-of-week, e.g. \`0 8 * * 1-5\` for 08:00 on weekdays."`);
    expect(errorOf({ cadence: 'cron', cron: '@daily' })).toMatchInlineSnapshot(`"\`@daily\` is not a cron expression: it needs five fields: minute hour day-of-month month day-of-week, e.g. \`0 8 * * 1-5\` for 08:00 on weekdays."`);
    expect(errorOf({ cadence: 'cron', cron: '0 25 * * *' })).toMatchInlineSnapshot(`"\`0 25 * * *\` is not a valid cron expression (invalid value for hour: 25). It needs five fields: minute hour day-of-month month day-of-week, e.g. \`0 8 * * 1-5\` for 08:00 on weekdays."`);
    expect(errorOf({ cadence: 'cron', cron: '0 8 * * funday' })).toMatchInlineSnapshot(`"\`0 8 * * funday\` is not a valid cron expression (configuration entry 5 (funday) contains illegal characters). It needs five fields: minute hour day-of-month month day-of-week, e.g. \`0 8 * * 1-5\` for 08:00 on weekdays."`);
  });

  it('refuses a cron expression that runs more often than hourly', () => {
    expect(errorOf({ cadence: 'cron', cron: '*/30 * * * *' })).toMatchInlineSnapshot(`"\`*/30 * * * *\` runs more than once an hour; digests run at most hourly, so give the minute field one value, e.g. \`0 * * * *\`."`);
    expect(errorOf({ cadence: 'cron', cron: '* 8 * * *' })).toContain('more than once an hour');
    expect(errorOf({ cadence: 'cron', cron: '0,15 9 * * 1' })).toContain('more than once an hour');
  });

  it('accepts hourly and sparser cron expressions', () => {
    for (const cron of ['0 * * * *', '15 */2 * * *', '0 8 * * 1-5', '0 9 1 * *', '30 6 * * MON', '0 12 29 2 *']) {
      expect(parseCadenceInput({ cadence: 'cron', cron }).ok, cron).toBe(true);
    }
  });

  it('refuses a cron expression that matches no date', () => {
    expect(errorOf({ cadence: 'cron', cron: '0 0 30 2 *' })).toMatchInlineSnapshot(`"\`0 0 30 2 *\` never runs: no calendar date matches it."`);
  });

  it('refuses an unknown cadence kind', () => {
    expect(errorOf({ cadence: 'monthly', time: '08:00' })).toMatchInlineSnapshot(`""monthly" is not a cadence: use daily, weekly or cron."`);
  });
});

describe('cadence schema (what the store reads back)', () => {
  it('accepts stored cadences and refuses a loose time or a cron more frequent than hourly', () => {
    expect(Cadence.safeParse({ kind: 'weekly', weekday: 'fri', time: '17:30' }).success).toBe(true);
    expect(Cadence.safeParse({ kind: 'cron', expr: '0 8 * * 1-5' }).success).toBe(true);
    expect(Cadence.safeParse({ kind: 'daily', time: '8:00' }).success).toBe(false);
    expect(Cadence.safeParse({ kind: 'weekly', weekday: 'monday', time: '08:00' }).success).toBe(false);
    const frequent = Cadence.safeParse({ kind: 'cron', expr: '*/5 * * * *' });
    expect(frequent.success).toBe(false);
    expect(frequent.error?.issues[0]?.message).toContain('more than once an hour');
  });
});

describe('cadence description', () => {
  it('reads as a phrase that follows "digests"', () => {
    expect(describeCadence({ kind: 'daily', time: '08:00' })).toBe('daily at 08:00');
    expect(describeCadence({ kind: 'weekly', weekday: 'mon', time: '08:00' })).toBe('weekly on Monday at 08:00');
    expect(describeCadence({ kind: 'cron', expr: '0 8 * * 1-5' })).toBe('cron `0 8 * * 1-5`');
  });
});
