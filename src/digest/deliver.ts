import { createHash } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Lease } from '../store/leases.ts';
import type { DeliveryStore } from '../store/keyv-deliveries.ts';
import type { SubscriptionStore } from '../store/keyv-subscriptions.ts';
import type { Digest } from './compose-digest.ts';
import type { Subscription } from './subscription.ts';

/** Why Discord refused a message: gone and forbidden pause the subscription, retryable is tried again. */
export type SendFailure = { kind: 'gone' | 'forbidden' | 'rejected' | 'retryable'; reason: string };
export type SendOutcome = { ok: true; messageId: string } | { ok: false; failure: SendFailure };

/** The one Discord message of a (subscription, window), with what identifies it if it was sent before. */
export type DigestPost = {
  channelId: string;
  /** The rendered message; `marker` is in it (the pause button's id) so it can be found in the channel later. */
  payload: unknown;
  /** Sent with enforce_nonce: Discord answers a repeat within minutes with the first message. */
  nonce: string;
  marker: string;
};

/** The Discord side of delivery (src/discord/digest-sender.ts). */
export type DigestSender = {
  send(post: DigestPost): Promise<SendOutcome>;
  /** A message the bot posted in the channel after `after` carrying `marker`; undefined when none, or when history cannot be read. */
  findSent(channelId: string, marker: string, after: Date): Promise<string | undefined>;
};

export type DeliverDeps = {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  sender: DigestSender;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** How long 429s and 5xx are retried (with backoff) before the window is left for the next check. */
  retryMs: number;
  quiet: 'post' | 'skip';
  log: Logger;
};

export type Window = { since: Date; until: Date };
export type DeliveryOutcome = 'delivered' | 'recovered' | 'already_sent' | 'skipped_quiet' | 'paused' | 'failed' | 'stale';

/** Identifies the window in the button id (Discord allows 100 characters) and in the nonce (25). */
export const windowTag = (until: Date): string => Math.floor(until.getTime() / 60_000).toString(36);
export const markerFor = (subscriptionId: string, until: Date): string => `digest-pause:${subscriptionId}:${windowTag(until)}`;
export const nonceFor = (subscriptionId: string, until: Date): string =>
  createHash('sha256').update(`${subscriptionId}@${until.toISOString()}`).digest('base64url').slice(0, 25);

const BACKOFF_MS = { first: 1_000, max: 60_000 };

/**
 * Delivers one subscription's digest for one window, at most once, while the caller holds the window's
 * lease. The order is what makes a crash harmless: the "sending" record is written before the message goes
 * out; after a restart such a record means "look in the channel for the marker before sending", and the
 * resend carries the same nonce; the cursor moves only after Discord confirmed the message.
 */
export async function deliverWindow(
  deps: DeliverDeps,
  lease: Lease,
  subscriptionId: string,
  window: Window,
  digest: Digest,
  render: (subscription: Subscription, marker: string) => unknown,
): Promise<DeliveryOutcome> {
  const log = deps.log.child({ subscriptionId, windowEnd: window.until.toISOString() });
  const subscription = await deps.subscriptions.get(subscriptionId);
  // Between the check and the lease, another process may have finished it, or an admin paused or removed it.
  if (!subscription || subscription.status.state !== 'active' || subscription.cursor >= window.until) return 'stale';

  const previous = await deps.deliveries.get(subscriptionId, window.until);
  if (previous?.state === 'sent' || previous?.state === 'quiet') {
    await advance(deps, subscriptionId, window, previous.state === 'sent' ? previous.messageId : undefined, previous.state === 'quiet');
    return 'already_sent';
  }
  if (digest.quiet && deps.quiet === 'skip') {
    await deps.deliveries.set(subscriptionId, window.until, { state: 'quiet', at: deps.now() });
    await advance(deps, subscriptionId, window, undefined, true);
    return 'skipped_quiet';
  }
  const marker = markerFor(subscriptionId, window.until);
  const nonce = nonceFor(subscriptionId, window.until);
  if (previous?.state === 'sending') {
    const found = await deps.sender.findSent(subscription.channelId, marker, previous.startedAt);
    if (found) {
      log.info({ messageId: found }, 'digest was sent before a restart; recording it');
      await deps.deliveries.set(subscriptionId, window.until, { state: 'sent', messageId: found, sentAt: deps.now() });
      await advance(deps, subscriptionId, window, found, digest.quiet);
      return 'recovered';
    }
  } else {
    await deps.deliveries.set(subscriptionId, window.until, { state: 'sending', nonce, startedAt: deps.now() });
  }

  const post: DigestPost = { channelId: subscription.channelId, payload: render(subscription, marker), nonce, marker };
  const deadline = deps.now().getTime() + deps.retryMs;
  for (let wait = BACKOFF_MS.first; ; wait = Math.min(wait * 2, BACKOFF_MS.max)) {
    const outcome = await deps.sender.send(post);
    if (outcome.ok) {
      await deps.deliveries.set(subscriptionId, window.until, { state: 'sent', messageId: outcome.messageId, sentAt: deps.now() });
      await advance(deps, subscriptionId, window, outcome.messageId, digest.quiet);
      log.info({ messageId: outcome.messageId, channelId: subscription.channelId }, 'digest delivered');
      return 'delivered';
    }
    const { failure } = outcome;
    if (failure.kind !== 'retryable') {
      await pause(deps, subscriptionId, failure.reason);
      log.warn({ channelId: subscription.channelId, reason: failure.reason }, 'digest refused; subscription paused');
      return 'paused';
    }
    if (deps.now().getTime() + wait > deadline || !(await lease.renew(wait + 60_000))) {
      // The "sending" record stays: the next check looks for the message before trying again, so nothing is lost or doubled.
      log.warn({ channelId: subscription.channelId, reason: failure.reason }, 'digest not delivered yet; the next check tries again');
      return 'failed';
    }
    await deps.sleep(wait);
  }
}

async function advance(deps: DeliverDeps, id: string, window: Window, messageId: string | undefined, quiet: boolean): Promise<void> {
  await deps.subscriptions.update(id, (current) =>
    current.cursor >= window.until
      ? undefined
      : { ...current, cursor: window.until, lastDelivery: { windowEnd: window.until, at: deps.now(), quiet, ...(messageId ? { messageId } : {}) } },
  );
}

async function pause(deps: DeliverDeps, id: string, reason: string): Promise<void> {
  await deps.subscriptions.update(id, (current) => ({ ...current, status: { state: 'paused', reason, since: deps.now(), by: 'discord' } }));
}
