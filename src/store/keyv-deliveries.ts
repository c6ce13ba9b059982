import { z } from 'zod';
import type { Logger } from '../log.ts';
import { openKeyv } from './open-keyv.ts';

const DateLike = z.coerce.date();

/**
 * One (subscription, window)'s delivery: written as "sending" before the message goes out and as "sent"
 * once Discord confirms it, so a process that died in between knows on restart to look before sending again.
 */
export const Delivery = z.discriminatedUnion('state', [
  z.object({ state: z.literal('sending'), nonce: z.string(), startedAt: DateLike }),
  z.object({ state: z.literal('sent'), messageId: z.string(), sentAt: DateLike }),
  z.object({ state: z.literal('quiet'), at: DateLike }),
]);
export type Delivery = z.infer<typeof Delivery>;

export type DeliveryStore = {
  get(subscriptionId: string, windowEnd: Date): Promise<Delivery | undefined>;
  set(subscriptionId: string, windowEnd: Date, delivery: Delivery): Promise<void>;
  close(): Promise<void>;
};

/** Records outlive any retry or restart by far; after that the subscription's cursor says the window is done. */
const KEEP_MS = 30 * 86_400_000;

export function keyvDeliveries(url: string, log: Logger, namespacePrefix = ''): DeliveryStore {
  const keyv = openKeyv<unknown>(url, `${namespacePrefix}digest-delivery`, log);
  const key = (subscriptionId: string, windowEnd: Date) => `${subscriptionId}@${windowEnd.toISOString()}`;
  return {
    async get(subscriptionId, windowEnd) {
      const raw = await keyv.get(key(subscriptionId, windowEnd));
      const parsed = Delivery.safeParse(raw);
      return parsed.success ? parsed.data : undefined;
    },
    async set(subscriptionId, windowEnd, delivery) {
      await keyv.set(key(subscriptionId, windowEnd), Delivery.parse(delivery), KEEP_MS);
    },
    close: () => keyv.disconnect(),
  };
}
