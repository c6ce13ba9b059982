import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Cadence } from './cadence.ts';

const DateLike = z.coerce.date().refine((date) => !Number.isNaN(date.getTime()), 'expected a valid date');
const Snowflake = z.string().regex(/^\d{1,20}$/);

export const SubscriptionStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('active') }),
  z.object({
    state: z.literal('paused'),
    /** What a member sees in /subscriptions, e.g. "Discord says I'm missing the Embed Links permission in that channel". */
    reason: z.string().min(1),
    since: DateLike,
    /** 'discord' when a delivery error paused it, else the id of the member who pressed Pause. */
    by: z.string().min(1),
  }),
]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

/** The schema version written with every record; a record of another version is migrated or skipped on read. */
export const SUBSCRIPTION_VERSION = 1;

export const Subscription = z.object({
  version: z.literal(SUBSCRIPTION_VERSION),
  /** Short and typeable: /unsubscribe and the buttons carry it. */
  id: z.string().regex(/^[a-z0-9]{6,16}$/),
  guildId: Snowflake,
  channelId: Snowflake,
  topic: z.string().regex(/^[a-z0-9-]+$/),
  cadence: Cadence,
  /** IANA zone the cadence's local time is read in. */
  timezone: z.string().min(1),
  /** BCP 47 primary tag the digest is written in (with a model; offline digests quote their sources). */
  language: z.string().regex(/^[a-z]{2,3}$/),
  createdBy: Snowflake,
  createdAt: DateLike,
  /** The end of the last window delivered (or skipped as quiet): the next digest covers what came after. */
  cursor: DateLike,
  status: SubscriptionStatus,
  /** The last window that reached the channel, for /subscriptions. */
  lastDelivery: z.object({ windowEnd: DateLike, at: DateLike, messageId: z.string().optional(), quiet: z.boolean() }).optional(),
});
export type Subscription = z.infer<typeof Subscription>;

/** Ten hex digits: unguessable enough for a button, short enough to read out. */
export const newSubscriptionId = (): string => randomBytes(5).toString('hex');
