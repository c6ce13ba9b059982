/** What `take` answers: go ahead, or wait `retryAfterMs`. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export type RateLimiter = { take(key: string): RateDecision };

/** Past this many tracked members, idle ones are forgotten on the next `take`, so memory stays bounded. */
const SWEEP_ABOVE = 10_000;

/**
 * A sliding window per key (a member's id): at most `limit` takes in any `windowMs`. The clock is injected
 * so tests need no fake timers.
 */
export function slidingWindow({ limit, windowMs, now }: { limit: number; windowMs: number; now: () => number }): RateLimiter {
  const taken = new Map<string, number[]>();
  return {
    take(key) {
      const at = now();
      if (taken.size > SWEEP_ABOVE) {
        for (const [other, times] of taken) if ((times.at(-1) ?? 0) <= at - windowMs) taken.delete(other);
      }
      const recent = (taken.get(key) ?? []).filter((time) => time > at - windowMs);
      if (recent.length >= limit) {
        taken.set(key, recent);
        return { ok: false, retryAfterMs: recent[0]! + windowMs - at };
      }
      recent.push(at);
      taken.set(key, recent);
      return { ok: true };
    },
  };
}
