import type { Logger } from '../log.ts';
import { Subscription } from '../digest/subscription.ts';
import { openKeyv } from './open-keyv.ts';

export type SubscriptionStore = {
  get(id: string): Promise<Subscription | undefined>;
  /** Every subscription that parses, in no particular order (the scheduler reads this on each check). */
  all(): Promise<Subscription[]>;
  /** One server's subscriptions, oldest first. */
  forGuild(guildId: string): Promise<Subscription[]>;
  put(subscription: Subscription): Promise<void>;
  /**
   * Reads, changes and writes one subscription; returns the new record, or undefined when it is gone or
   * `change` returns undefined (nothing to write). Serialised per id within a process; across processes
   * the digest lease (one sender per window) keeps the cursor's writers apart.
   */
  update(id: string, change: (current: Subscription) => Subscription | undefined): Promise<Subscription | undefined>;
  remove(id: string): Promise<Subscription | undefined>;
  close(): Promise<void>;
};

/**
 * Subscriptions in the "subscription" namespace keyed by id, validated on write and on read: a record that
 * no longer parses (an older version, a hand edit) is skipped with a warning instead of stopping every digest.
 */
export function keyvSubscriptions(url: string, log: Logger, namespacePrefix = ''): SubscriptionStore {
  const keyv = openKeyv<unknown>(url, `${namespacePrefix}subscription`, log);
  const parse = (id: string, raw: unknown): Subscription | undefined => {
    if (raw === undefined) return undefined;
    const parsed = Subscription.safeParse(raw);
    if (!parsed.success) log.warn({ id, issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).slice(0, 3) }, 'stored subscription does not match the schema; skipping it');
    return parsed.success ? parsed.data : undefined;
  };
  const get = async (id: string) => parse(id, await keyv.get(id));
  const all = async () => {
    if (!keyv.iterator) throw new Error('This store cannot list its keys; use sqlite:// or redis://.');
    const found: Subscription[] = [];
    for await (const [id, raw] of keyv.iterator(undefined)) {
      const subscription = typeof id === 'string' ? parse(id, raw) : undefined;
      if (subscription) found.push(subscription);
    }
    return found;
  };
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(id) ?? Promise.resolve()).catch(() => undefined).then(work);
    queues.set(id, next);
    void next.finally(() => queues.get(id) === next && queues.delete(id)).catch(() => undefined);
    return next;
  };
  return {
    get,
    all,
    async forGuild(guildId) {
      return (await all()).filter((s) => s.guildId === guildId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
    put: (subscription) => serialised(subscription.id, async () => {
      await keyv.set(subscription.id, Subscription.parse(subscription));
    }),
    update: (id, change) => serialised(id, async () => {
      const current = await get(id);
      const next = current && change(current);
      if (next) await keyv.set(id, Subscription.parse(next));
      return next;
    }),
    remove: (id) => serialised(id, async () => {
      const current = await get(id);
      if (current) await keyv.delete(id);
      return current;
    }),
    close: () => keyv.disconnect(),
  };
}
