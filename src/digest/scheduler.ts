import PQueue from 'p-queue';
import type { AppFailure } from '../failures.ts';
import type { Result } from '../model.ts';
import { metrics } from '../ops/metrics.ts';
import type { Lease, Leases } from '../store/leases.ts';
import type { Digest, DigestInput } from './compose-digest.ts';
import { deliverWindow, type DeliverDeps, type DeliveryOutcome, type Window } from './deliver.ts';
import { dueWindowsAt } from './schedule.ts';
import type { Subscription } from './subscription.ts';

export type SchedulerDeps = DeliverDeps & {
  leases: Leases;
  compose: (input: DigestInput) => Promise<Result<Digest, AppFailure>>;
  /** The Discord message for one channel: the shared digest plus that subscription's pause button (`marker`). */
  render: (digest: Digest, subscription: Subscription, marker: string) => unknown;
  /** Whether this process sends for the guild: with shards, only the shard that has the guild does. */
  owns: (guildId: string) => boolean;
  /** How long a claim on one delivery lasts unrenewed (DIGEST_LEASE_SECONDS). */
  leaseMs: number;
  /** Deliveries in flight at once; Discord's 50 requests/s ceiling is kept by the REST client. */
  concurrency: number;
};

export type CheckReport = {
  due: number;
  compositions: number;
  /** Due windows another process was already delivering (it holds their lease). */
  leasedElsewhere: number;
  outcomes: Partial<Record<DeliveryOutcome | 'compose_failed', number>>;
};

type Due = { subscription: Subscription; window: Window; missedTicks: number };

/** Subscriptions that share a topic, window and language share one composed digest. */
const compositionKey = ({ subscription, window }: Due) => `${subscription.topic}|${window.since.toISOString()}|${window.until.toISOString()}|${subscription.language}`;

/**
 * One check: every active subscription this process owns whose window has closed gets that window's
 * digest. Each (topic, window, language) is composed once, after at least one of its deliveries was
 * claimed, then fanned out to every channel that shares it.
 */
export async function checkDigests(deps: SchedulerDeps): Promise<CheckReport> {
  const dueWindow = dueWindowsAt(deps.now());
  const due: Due[] = [];
  for (const subscription of await deps.subscriptions.all()) {
    if (subscription.status.state !== 'active' || !deps.owns(subscription.guildId)) continue;
    const window = dueWindow(subscription);
    if (window) due.push({ subscription, window: { since: window.since, until: window.until }, missedTicks: window.missedTicks });
  }
  const report: CheckReport = { due: due.length, compositions: 0, leasedElsewhere: 0, outcomes: {} };
  const count = (outcome: DeliveryOutcome | 'compose_failed', n = 1) => {
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + n;
    if (outcome !== 'stale') metrics.digests.inc({ outcome }, n);
  };

  const groups = new Map<string, Due[]>();
  for (const item of due) groups.set(compositionKey(item), [...(groups.get(compositionKey(item)) ?? []), item]);
  const queue = new PQueue({ concurrency: deps.concurrency });
  for (const group of groups.values()) await fanOut(deps, group, queue, report, count);
  return report;
}

/**
 * One composition's fan-out. Claims go in batches and deliveries start as soon as the first batch is
 * claimed and the digest composed, so the first channels are served while the rest are still being claimed.
 */
async function fanOut(deps: SchedulerDeps, group: Due[], queue: PQueue, report: CheckReport, count: (outcome: DeliveryOutcome | 'compose_failed', n?: number) => void): Promise<void> {
  const held: Lease[] = [];
  const renewals = keepAlive(held, deps.leaseMs);
  const deliveries: Promise<void>[] = [];
  let digest: Digest | undefined;
  try {
    for (let at = 0; at < group.length; at += CLAIMS_AT_ONCE) {
      const batch = group.slice(at, at + CLAIMS_AT_ONCE);
      const claimed = await claim(deps, batch);
      report.leasedElsewhere += batch.length - claimed.length;
      held.push(...claimed.map((entry) => entry.lease));
      if (claimed.length === 0) continue;
      if (!digest) {
        const first = group[0]!;
        const composed = await deps.compose({ topic: first.subscription.topic, since: first.window.since, until: first.window.until, language: first.subscription.language });
        report.compositions++;
        metrics.digestCompositions.inc();
        if (!composed.ok) {
          deps.log.error({ failure: composed.error, topic: first.subscription.topic }, 'digest could not be composed; its subscriptions are tried again on the next check');
          count('compose_failed', claimed.length);
          return;
        }
        digest = composed.value;
      }
      const shared = digest;
      for (const { item, lease } of claimed) {
        deliveries.push(queue.add(async () => {
          try {
            count(await deliverWindow(deps, lease, item.subscription.id, item.window, shared, (subscription, marker) => deps.render(shared, subscription, marker)));
          } catch (err) {
            deps.log.error({ err, subscriptionId: item.subscription.id }, 'digest delivery failed; the next check tries again');
            count('failed');
          }
        }));
      }
    }
    await Promise.all(deliveries);
  } finally {
    clearInterval(renewals);
    await Promise.all(held.map((lease) => lease.release().catch(() => undefined)));
  }
}

/** Claims in flight at once: a thousand one-by-one round trips to the store would delay the first message by seconds. */
const CLAIMS_AT_ONCE = 64;

async function claim(deps: SchedulerDeps, batch: Due[]): Promise<{ item: Due; lease: Lease }[]> {
  const leases = await Promise.all(batch.map((item) => deps.leases.acquire(`digest:${item.subscription.id}:${item.window.until.toISOString()}`, deps.leaseMs)));
  return batch.flatMap((item, i) => (leases[i] ? [{ item, lease: leases[i] }] : []));
}

/** Renews the claims (as they are added) while a long fan-out runs, so another process does not take over live work. */
function keepAlive(leases: readonly Lease[], leaseMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    for (const lease of leases) void lease.renew(leaseMs).catch(() => undefined);
  }, Math.max(250, Math.floor(leaseMs / 3)));
  timer.unref();
  return timer;
}

/**
 * Runs `checkDigests` every `intervalMs` (never two at once) until stopped; `stop()` resolves once the
 * check in progress has finished, so a shutdown does not cut a delivery between send and confirm.
 */
export function startDigestScheduler(deps: SchedulerDeps, intervalMs: number): { stop(): Promise<void>; checkNow(): Promise<CheckReport | undefined> } {
  let running: Promise<CheckReport | undefined> | undefined;
  let stopped = false;
  const check = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= checkDigests(deps)
      .then((report) => {
        if (report.due > 0) deps.log.info(report, 'digest check finished');
        return report;
      })
      .catch((err: unknown) => {
        deps.log.error({ err }, 'digest check failed; trying again on the next one');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  void check();
  return {
    checkNow: check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
