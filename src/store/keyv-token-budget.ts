import type Keyv from 'keyv';
import { z } from 'zod';
import type { TokenBudget } from '../compose/model-gate.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { openKeyv } from './open-keyv.ts';

/** A day's count outlives its day by one, so a count read just before midnight UTC is never cut short. */
const COUNT_TTL_MS = 2 * 24 * 60 * 60_000;

const Count = z.number().int().min(0);

export type KeyvTokenBudget = TokenBudget & {
  /** Tokens the server has used today (UTC). */
  used(guildId: string): Promise<number>;
  close(): Promise<void>;
};

/**
 * Tokens per server and UTC day in a Keyv (namespace 'token-budget', key `${guildId}:${YYYY-MM-DD}`). Within
 * one process, additions to one key are applied one after another, so none is lost; two processes on one
 * Redis may lose one's addition to a race, which costs a few calls' worth of accuracy, not the budget.
 */
export function keyvTokenBudget(keyv: Keyv<unknown>, limit: number, now: () => Date): KeyvTokenBudget {
  const keyOf = (guildId: string) => `${guildId}:${now().toISOString().slice(0, 10)}`;
  /** The last addition per key, settled either way: reads wait for it, and the next addition goes after it. */
  const pending = new Map<string, Promise<void>>();
  const read = async (key: string): Promise<number> => {
    const parsed = Count.safeParse(await keyv.get(key));
    return parsed.success ? parsed.data : 0;
  };
  const used = async (guildId: string) => {
    const key = keyOf(guildId);
    await pending.get(key);
    return read(key);
  };
  return {
    used,
    allows: async (guildId) => (await used(guildId)) < limit,
    spend(guildId, tokens) {
      const key = keyOf(guildId);
      const added = (pending.get(key) ?? Promise.resolve()).then(async () => {
        await keyv.set(key, (await read(key)) + tokens, COUNT_TTL_MS);
      });
      const settled: Promise<void> = added.catch(() => undefined).finally(() => {
        if (pending.get(key) === settled) pending.delete(key);
      });
      pending.set(key, settled);
      return added;
    },
    close: () => keyv.disconnect(),
  };
}

/** The budget on STORE_URL when GUILD_DAILY_TOKEN_BUDGET is set; undefined (no budget) otherwise. */
export function openTokenBudget(
  config: Pick<Config, 'STORE_URL' | 'GUILD_DAILY_TOKEN_BUDGET'>,
  log: Logger,
  now: () => Date = () => new Date(),
): KeyvTokenBudget | undefined {
  if (config.GUILD_DAILY_TOKEN_BUDGET === undefined) return undefined;
  return keyvTokenBudget(openKeyv<unknown>(config.STORE_URL, 'token-budget', log), config.GUILD_DAILY_TOKEN_BUDGET, now);
}
