import type { Logger } from '../log.ts';
import { ComposeError } from './compose-error.ts';
import type { Composer, ComposeOptions } from './composer.ts';
import type { ModelQueue } from './model-queue.ts';
import type { Condenser } from './openai-condenser.ts';

/** The port for GUILD_DAILY_TOKEN_BUDGET: model tokens (in + out) per Discord server and UTC day. */
export type TokenBudget = {
  /** False once the server has used today's tokens. */
  allows(guildId: string): Promise<boolean>;
  /** Adds a request's tokens to the server's count for today. */
  spend(guildId: string, tokens: number): Promise<void>;
};

/** Runs one piece of model work (a compose or a condense) the way the process allows it. */
export type ModelGate = <T>(work: (options: ComposeOptions) => Promise<T>, options?: ComposeOptions) => Promise<T>;

/**
 * What every model call passes through: the server's daily budget (ComposeError('over-budget') once it is
 * spent), then the one model queue (ComposeError('busy') when the line is full), and afterwards the tokens the
 * model reported are added to the budget. A request without a guildId (the CLI, a digest) has no budget. A
 * budget that cannot be read lets the call through: a store hiccup should not cost members the model.
 */
export function modelGate({ queue, budget, log }: { queue: ModelQueue; budget?: TokenBudget | undefined; log: Logger }): ModelGate {
  const allows = async (guildId: string) => {
    if (!budget) return true;
    try {
      return await budget.allows(guildId);
    } catch (err) {
      log.warn({ err, guildId }, 'could not read the token budget; allowing the model call');
      return true;
    }
  };
  return async (work, options = {}) => {
    const { guildId } = options;
    if (guildId !== undefined && !(await allows(guildId))) {
      throw new ComposeError('over-budget', `Server ${guildId} has used GUILD_DAILY_TOKEN_BUDGET tokens today (UTC)`);
    }
    return queue.run(async () => {
      let tokens = 0;
      try {
        return await work({ ...options, onUsage: (usage) => { tokens += usage.in + usage.out; options.onUsage?.(usage); } });
      } finally {
        if (budget && guildId !== undefined && tokens > 0) {
          await budget.spend(guildId, tokens).catch((err: unknown) => log.warn({ err, guildId, tokens }, 'could not count tokens against the budget'));
        }
      }
    }, { lane: guildId, onQueued: options.onQueued, signal: options.signal });
  };
}

/** A composer whose every compose passes the gate; one compose (repair request included) holds one slot. */
export function gatedComposer(inner: Composer, gate: ModelGate): Composer {
  return {
    name: inner.name,
    label: inner.label,
    ...(inner.cacheKey ? { cacheKey: inner.cacheKey.bind(inner) } : {}),
    compose: (request, options) => gate((call) => inner.compose(request, call), options),
  };
}

/** A condenser behind the gate. When the gate says no (busy, over budget, cancelled), the question is used as asked. */
export function gatedCondenser(inner: Condenser, gate: ModelGate, log: Logger): Condenser {
  return async (history, question, options) => {
    if (!history.trim()) return question;
    try {
      return await gate((call) => inner(history, question, call), options);
    } catch (err) {
      log.warn({ err, code: err instanceof ComposeError ? err.code : undefined }, 'did not condense the follow-up; using it as asked');
      return question;
    }
  };
}
