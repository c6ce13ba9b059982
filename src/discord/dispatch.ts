import type { Interaction, RepliableInteraction } from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import { metrics } from '../ops/metrics.ts';
import { isStorageUnavailable } from '../store/storage-errors.ts';
import type { BotContext, SlashCommand } from './command.ts';
import { askFollowUp, openFollowUp, showSources } from './follow-up.ts';
import { CUSTOM_IDS, followUpModalMessageId } from './components.ts';
import { toggleDigest } from './digest-buttons.ts';
import { digestButtonTarget } from './digest-message.ts';
import type { ConversationStore } from './keyv-conversation-store.ts';
import { wasTurnedAway } from './publish-brief.ts';
import type { RateLimiter } from './rate-limit.ts';
import { sayPrivately } from './replies.ts';

export type DispatchDeps = {
  app: App;
  conversations: ConversationStore;
  commands: readonly SlashCommand[];
  /** Counts chat commands and follow-up questions per member (USER_COMMANDS_PER_MINUTE); autocomplete and buttons are free. */
  limiter: RateLimiter;
  /** The same count per server, all its members together (GUILD_COMMANDS_PER_MINUTE); absent -> no server limit. */
  guildLimiter?: RateLimiter | undefined;
  /** Work on one interaction is abandoned after this long, in milliseconds. */
  timeoutMs: number;
  log: Logger;
};

/** How an interaction ended, as counted in briefing_interactions_total. */
export type Outcome = 'ok' | 'failed' | 'timeout' | 'rate_limited' | 'busy' | 'storage_unavailable';

export const STORAGE_UNAVAILABLE = "Storage is unavailable right now, so I can't answer. Nothing was lost; try again in a minute.";

export class InteractionTimeoutError extends Error {
  override name = 'InteractionTimeoutError';
}

type Handler = (interaction: RepliableInteraction, ctx: BotContext) => Promise<void>;

/** Finds the handler for an interaction, or a sentence for the member when there is none. */
function route(interaction: Interaction, commands: readonly SlashCommand[]): Handler | string {
  if (interaction.isChatInputCommand()) {
    const command = commands.find((candidate) => candidate.data.name === interaction.commandName);
    if (!command) return `I don't know /${interaction.commandName}: my command list may be out of date. Ask an admin to run \`briefing-bot register\`.`;
    return (_, ctx) => command.execute(interaction, ctx);
  }
  if (interaction.isButton()) {
    if (interaction.customId === CUSTOM_IDS.sources) return (_, ctx) => showSources(interaction, ctx);
    if (interaction.customId === CUSTOM_IDS.followUp) return (_, ctx) => openFollowUp(interaction, ctx);
    if (digestButtonTarget(interaction.customId)) return (_, ctx) => toggleDigest(interaction, ctx);
  }
  if (interaction.isModalSubmit()) {
    const messageId = followUpModalMessageId(interaction.customId);
    if (messageId) return (_, ctx) => askFollowUp(interaction, messageId, ctx);
  }
  return 'This button or form is from an older version of me and no longer works. Run the command again.';
}

/** The metrics' `command` label: the command's name, or a fixed name per component (never a message id). */
function metricName(interaction: Interaction): string {
  if (interaction.isCommand() || interaction.isAutocomplete()) return interaction.commandName;
  if (interaction.isButton()) {
    if (interaction.customId === CUSTOM_IDS.sources || interaction.customId === CUSTOM_IDS.followUp) return `button:${interaction.customId}`;
    const digest = digestButtonTarget(interaction.customId);
    return digest ? `button:digest-${digest.action}` : 'button:unknown';
  }
  if (interaction.isModalSubmit()) return followUpModalMessageId(interaction.customId) ? 'modal:follow-up' : 'modal:unknown';
  return 'other';
}

/** discord.js methods that send an interaction's first response; whichever resolves first is the acknowledgement. */
const FIRST_RESPONSES = ['reply', 'deferReply', 'update', 'deferUpdate', 'showModal'] as const;

/**
 * Calls `acknowledged` once, when the first of the interaction's response methods has been answered by Discord.
 * The methods are wrapped on this one instance: handlers (some not ours to change) answer in different ways, and
 * this measures all of them without each handler reporting it.
 */
function onFirstResponse(interaction: RepliableInteraction, acknowledged: () => void): void {
  const methods = interaction as unknown as Record<string, unknown>;
  let seen = false;
  for (const name of FIRST_RESPONSES) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = async (...args: unknown[]): Promise<unknown> => {
      const result: unknown = await Reflect.apply(original, interaction, args);
      if (!seen) {
        seen = true;
        acknowledged();
      }
      return result;
    };
  }
}

/** "1 second", "45 seconds": whole seconds, rounded up, never 0. */
function seconds(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms / 1000));
  return `${whole} second${whole === 1 ? '' : 's'}`;
}

const counts = (interaction: Interaction) => interaction.isChatInputCommand() || interaction.isModalSubmit();

/**
 * Why the member must wait, or undefined: their own USER_COMMANDS_PER_MINUTE, then their server's
 * GUILD_COMMANDS_PER_MINUTE. Both are checked before either is counted, so a refusal costs neither.
 */
function rateRefusal(interaction: RepliableInteraction, deps: DispatchDeps): string | undefined {
  const user = deps.limiter.peek(interaction.user.id);
  if (!user.ok) return `You're asking faster than I can answer well. Try again in ${seconds(user.retryAfterMs)}.`;
  const { guildId } = interaction;
  const guildLimiter = guildId ? deps.guildLimiter : undefined;
  if (guildId && guildLimiter) {
    const guild = guildLimiter.peek(guildId);
    if (!guild.ok) {
      const { limit } = guildLimiter;
      return `This server has asked for ${limit} briefing${limit === 1 ? '' : 's'} in the last minute; try again in ${seconds(guild.retryAfterMs)}.`;
    }
    guildLimiter.take(guildId);
  }
  deps.limiter.take(interaction.user.id);
  return undefined;
}

/**
 * Routes one interaction and makes sure it is answered (STYLE 3.4): unexpected failures and timeouts become a
 * private message with a reference id, an unreachable store says so, a member over USER_COMMANDS_PER_MINUTE or
 * a server over GUILD_COMMANDS_PER_MINUTE is told when to try again, and nothing is sent after the timeout.
 * Every interaction is counted by outcome, with the time to its first response.
 */
export function createDispatcher(deps: DispatchDeps): (interaction: Interaction) => Promise<void> {
  const answer = async (interaction: RepliableInteraction, log: Logger): Promise<Outcome> => {
    const controller = new AbortController();
    const ctx: BotContext = { app: deps.app, conversations: deps.conversations, commands: deps.commands, log, signal: controller.signal };
    if (counts(interaction)) {
      const refusal = rateRefusal(interaction, deps);
      if (refusal) {
        log.info({ userId: interaction.user.id, guildId: interaction.guildId }, 'rate limited');
        await sayPrivately(interaction, refusal).catch((err: unknown) => log.error({ err }, 'could not send the rate-limit reply'));
        return 'rate_limited';
      }
    }

    const handler = route(interaction, deps.commands);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (typeof handler === 'string') {
        await sayPrivately(interaction, handler);
        return 'failed';
      }
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new InteractionTimeoutError(`no answer within ${deps.timeoutMs} ms`);
          controller.abort(err);
          reject(err);
        }, deps.timeoutMs);
      });
      await Promise.race([handler(interaction, ctx), timedOut]);
      return wasTurnedAway(interaction) ? 'busy' : 'ok';
    } catch (err) {
      const outcome: Outcome = err instanceof InteractionTimeoutError ? 'timeout' : isStorageUnavailable(err) ? 'storage_unavailable' : 'failed';
      if (outcome === 'storage_unavailable') log.warn({ err }, 'storage unavailable');
      else log.error({ err }, outcome === 'timeout' ? 'interaction timed out' : 'interaction failed');
      const content = outcome === 'timeout'
        ? `That took longer than ${seconds(deps.timeoutMs)}, so I stopped (ref ${interaction.id}). Try a shorter period or a narrower question.`
        : outcome === 'storage_unavailable'
          ? STORAGE_UNAVAILABLE
          : `Something broke on our side (ref ${interaction.id}). Please try again shortly.`;
      try {
        await sayPrivately(interaction, content);
      } catch (sendErr) {
        log.error({ err: sendErr }, 'could not send the failure reply');
      }
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (interaction) => {
    const log = deps.log.child({ interactionId: interaction.id, kind: interaction.type, ...(interaction.isCommand() ? { command: interaction.commandName } : {}) });

    if (interaction.isAutocomplete()) {
      const command = deps.commands.find((candidate) => candidate.data.name === interaction.commandName);
      const ctx: BotContext = { app: deps.app, conversations: deps.conversations, commands: deps.commands, log, signal: new AbortController().signal };
      try {
        await command?.autocomplete?.(interaction, ctx);
      } catch (err) {
        log.warn({ err }, 'autocomplete failed');
      }
      if (!interaction.responded) await interaction.respond([]).catch((err: unknown) => log.warn({ err }, 'could not answer autocomplete'));
      return;
    }
    if (!interaction.isRepliable()) return;

    const command = metricName(interaction);
    const received = performance.now();
    onFirstResponse(interaction, () => metrics.ackSeconds.observe({ command }, (performance.now() - received) / 1000));
    metrics.interactions.inc({ command, outcome: await answer(interaction, log) });
  };
}
