import { describe, expect, it } from 'vitest';
import { slidingWindow } from '../../src/discord/rate-limit.ts';

describe('per-member sliding window', () => {
  it('lets a member through up to the limit and then says how long to wait', () => {
    let now = 0;
    const limiter = slidingWindow({ limit: 2, windowMs: 60_000, now: () => now });
    expect(limiter.take('a')).toEqual({ ok: true });
    now = 10_000;
    expect(limiter.take('a')).toEqual({ ok: true });
    now = 20_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 40_000 });
  });

  it('frees a slot once the oldest use slides out of the window', () => {
    let now = 0;
    const limiter = slidingWindow({ limit: 1, windowMs: 60_000, now: () => now });
    limiter.take('a');
    now = 59_999;
    expect(limiter.take('a').ok).toBe(false);
    now = 60_000;
    expect(limiter.take('a').ok).toBe(true);
  });

  it('counts each member separately', () => {
    const limiter = slidingWindow({ limit: 1, windowMs: 60_000, now: () => 0 });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('does not count a refused attempt against the member', () => {
    let now = 0;
    const limiter = slidingWindow({ limit: 1, windowMs: 1000, now: () => now });
    limiter.take('a');
    now = 500;
    limiter.take('a');
    now = 1000;
    expect(limiter.take('a').ok).toBe(true);
  });

  it('answers peek without taking, so two limits can be checked before either is spent', () => {
    const limiter = slidingWindow({ limit: 1, windowMs: 60_000, now: () => 0 });
    expect(limiter.peek('a')).toEqual({ ok: true });
    expect(limiter.peek('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.peek('a')).toEqual({ ok: false, retryAfterMs: 60_000 });
  });

  it('says what its limit is, for the message that asks a server to wait', () => {
    expect(slidingWindow({ limit: 60, windowMs: 60_000, now: () => 0 }).limit).toBe(60);
  });
});
