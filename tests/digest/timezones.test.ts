import { describe, expect, it } from 'vitest';
import { timezoneChoices, utcOffsetLabel } from '../../src/digest/timezones.ts';

const WINTER = new Date('2026-01-15T12:00Z');
const SUMMER = new Date('2026-07-15T12:00Z');
const values = (typed: string, limit = 25) => timezoneChoices(typed, limit, WINTER).map((choice) => choice.value);

describe('timezone autocomplete', () => {
  it('finds America/New_York from "new york", reading spaces as underscores', () => {
    expect(timezoneChoices('new york', 25, WINTER)[0]).toEqual({ name: 'America/New_York (UTC−05:00)', value: 'America/New_York' });
  });

  it('shows the offset in force at the given instant', () => {
    expect(timezoneChoices('New_York', 25, SUMMER)[0]?.name).toBe('America/New_York (UTC−04:00)');
    expect(timezoneChoices('europe/london', 25, SUMMER)[0]?.name).toBe('Europe/London (UTC+01:00)');
    expect(timezoneChoices('europe/london', 25, WINTER)[0]?.name).toBe('Europe/London (UTC+00:00)');
  });

  it('puts exact and prefix matches before matches in the middle of a name', () => {
    expect(values('london')[0]).toBe('Europe/London');
    expect(values('lon')[0]).toBe('Europe/London');
    const paris = values('paris');
    expect(paris[0]).toBe('Europe/Paris');
    // "york" is only inside New_York; it still matches, after any prefix match.
    expect(values('york')).toContain('America/New_York');
  });

  it('ignores case', () => {
    expect(values('ASIA/SEOUL')[0]).toBe('Asia/Seoul');
    expect(values('tOkYo')[0]).toBe('Asia/Tokyo');
  });

  it('offers UTC by that name, and current names that Node lists under old ones', () => {
    expect(timezoneChoices('utc', 25, WINTER)[0]).toEqual({ name: 'UTC (UTC+00:00)', value: 'UTC' });
    expect(timezoneChoices('kolkata', 25, WINTER)[0]).toEqual({ name: 'Asia/Kolkata (UTC+05:30)', value: 'Asia/Kolkata' });
    expect(values('kyiv')).toContain('Europe/Kyiv');
  });

  it('offers widely used zones for an empty box, UTC first', () => {
    const choices = values('');
    expect(choices[0]).toBe('UTC');
    expect(choices).toContain('Europe/London');
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('keeps to the limit, to Discord\'s 25 choices and 100-character names', () => {
    expect(values('america', 5)).toHaveLength(5);
    expect(values('a', 100)).toHaveLength(25);
    for (const choice of timezoneChoices('a', 25, WINTER)) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.value.length).toBeLessThanOrEqual(100);
    }
  });

  it('returns nothing for text no zone contains', () => {
    expect(values('atlantis')).toEqual([]);
  });
});

describe('UTC offset label', () => {
  it('uses a true minus sign and keeps half- and quarter-hour offsets', () => {
    expect(utcOffsetLabel('America/Los_Angeles', WINTER)).toBe('UTC−08:00');
    expect(utcOffsetLabel('Asia/Kathmandu', WINTER)).toBe('UTC+05:45');
    expect(utcOffsetLabel('America/St_Johns', WINTER)).toBe('UTC−03:30');
    expect(utcOffsetLabel('UTC', WINTER)).toBe('UTC+00:00');
  });
});
