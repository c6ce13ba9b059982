/** What `take` answers: go ahead, or wait `retryAfterMs`. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export type RateLimiter = {
  /** Takes at most this many per window. */
  readonly limit: number;
  /** Whether `take` would succeed now, without taking: for checking several limiters before spending any. */
  peek(key: string): RateDecision;
  take(key: string): RateDecision;
};

/** Past this many tracked keys, idle ones are forgotten on the next `take`, so memory stays bounded. */
const SWEEP_ABOVE = 10_000;

/**
 * A sliding window per key (a member's id, or a server's): at most `limit` takes in any `windowMs`. A refused
 * take is not counted. The clock is injected so tests need no fake timers.
 */
export function slidingWindow({ limit, windowMs, now }: { limit: number; windowMs: number; now: () => number }): RateLimiter {
  const taken = new Map<string, number[]>();
  const recentOf = (key: string, at: number) => {
    const recent = (taken.get(key) ?? []).filter((time) => time > at - windowMs);
    if (recent.length > 0) taken.set(key, recent);
    else taken.delete(key);
    return recent;
  };
  const decide = (recent: number[], at: number): RateDecision => (recent.length >= limit ? { ok: false, retryAfterMs: recent[0]! + windowMs - at } : { ok: true });
  return {
    limit,
    peek(key) {
      const at = now();
      return decide(recentOf(key, at), at);
    },
    take(key) {
      const at = now();
      if (taken.size > SWEEP_ABOVE) {
        for (const [other, times] of taken) if ((times.at(-1) ?? 0) <= at - windowMs) taken.delete(other);
      }
      const recent = recentOf(key, at);
      const decision = decide(recent, at);
      if (decision.ok) taken.set(key, [...recent, at]);
      return decision;
    },
  };
}
