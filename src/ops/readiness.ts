/** One readiness check's answer, as /readyz shows it. `detail` says why, in a few words. */
export type CheckResult = { ok: boolean; detail?: string };

/** A named dependency the bot needs to do its job. The ops server times it out; it need not. */
export type ReadinessCheck = () => Promise<CheckResult>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "45s", "12m", "3h 5m", "2h", "2d 4h": precise enough for an operator reading /readyz. */
export function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) => (small ? `${big}${bigUnit} ${small}${smallUnit}` : `${big}${bigUnit}`);
  if (age < MINUTE_MS) return `${Math.floor(age / 1000)}s`;
  if (age < HOUR_MS) return `${Math.floor(age / MINUTE_MS)}m`;
  if (age < DAY_MS) return two(Math.floor(age / HOUR_MS), 'h', Math.floor((age % HOUR_MS) / MINUTE_MS), 'm');
  return two(Math.floor(age / DAY_MS), 'd', Math.floor((age % DAY_MS) / HOUR_MS), 'h');
}

/** Ready while the Discord gateway connection is up (e.g. `() => client.isReady()`). */
export function gatewayCheck(isConnected: () => boolean): ReadinessCheck {
  return async () => (isConnected() ? { ok: true, detail: 'connected' } : { ok: false, detail: 'gateway not connected' });
}

/**
 * Ready while `ping` resolves (any store read will do). When it throws, e.g. Redis is down, the
 * error's first line is the detail.
 */
export function storeCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return async () => {
    try {
      await ping();
      return { ok: true, detail: 'reachable' };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, detail: message.split('\n')[0]?.slice(0, 200) || 'store ping failed' };
    }
  };
}

/**
 * Ready while the feeds keep being ingested: the last successful run is at most `maxAgeMs` old.
 * `maxAgeMs` undefined means feed polling is off, which is always ready. Before the first success
 * the age is counted from when the check was made (start-up), so a starting bot is not failed at once.
 *
 * @example ingestAgeCheck(() => poller.lastSuccess, config.FEED_POLL_MINUTES > 0 ? 3 * config.FEED_POLL_MINUTES * 60_000 : undefined)
 */
export function ingestAgeCheck(
  lastSuccess: () => Date | undefined | Promise<Date | undefined>,
  maxAgeMs: number | undefined,
  now: () => Date = () => new Date(),
): ReadinessCheck {
  const startedAt = now();
  return async () => {
    if (maxAgeMs === undefined) return { ok: true, detail: 'feed polling off' };
    const last = await lastSuccess();
    const limit = `limit ${formatAge(maxAgeMs)}`;
    if (!last) {
      const waited = now().getTime() - startedAt.getTime();
      return { ok: waited <= maxAgeMs, detail: `no successful ingest since start ${formatAge(waited)} ago; ${limit}` };
    }
    const age = now().getTime() - last.getTime();
    return { ok: age <= maxAgeMs, detail: `last successful ingest ${formatAge(age)} ago; ${limit}` };
  };
}
