import type { Interaction, RepliableInteraction } from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { BotContext, SlashCommand } from './command.ts';
import { askFollowUp, openFollowUp, showSources } from './follow-up.ts';
import { CUSTOM_IDS, followUpModalMessageId } from './components.ts';
import type { ConversationStore } from './keyv-conversation-store.ts';
import type { RateLimiter } from './rate-limit.ts';
import { sayPrivately } from './replies.ts';

export type DispatchDeps = {
  app: App;
  conversations: ConversationStore;
  commands: readonly SlashCommand[];
  /** Counts chat commands and follow-up questions per member; autocomplete and buttons are free. */
  limiter: RateLimiter;
  /** Work on one interaction is abandoned after this long, in milliseconds. */
  timeoutMs: number;
  log: Logger;
};

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
  }
  if (interaction.isModalSubmit()) {
    const messageId = followUpModalMessageId(interaction.customId);
    if (messageId) return (_, ctx) => askFollowUp(interaction, messageId, ctx);
  }
  return 'This button or form is from an older version of me and no longer works. Run the command again.';
}

/** "1 second", "45 seconds": whole seconds, rounded up, never 0. */
function seconds(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms / 1000));
  return `${whole} second${whole === 1 ? '' : 's'}`;
}

const counts = (interaction: Interaction) => interaction.isChatInputCommand() || interaction.isModalSubmit();

/**
 * Routes one interaction and makes sure it is answered (STYLE 3.4): unexpected failures and timeouts become a
 * private message with a reference id, a member over USER_COMMANDS_PER_MINUTE is told when to try again, and
 * nothing is sent after the timeout.
 */
export function createDispatcher(deps: DispatchDeps): (interaction: Interaction) => Promise<void> {
  return async (interaction) => {
    const log = deps.log.child({ interactionId: interaction.id, kind: interaction.type, ...(interaction.isCommand() ? { command: interaction.commandName } : {}) });
    const controller = new AbortController();
    const ctx: BotContext = { app: deps.app, conversations: deps.conversations, commands: deps.commands, log, signal: controller.signal };

    if (interaction.isAutocomplete()) {
      const command = deps.commands.find((candidate) => candidate.data.name === interaction.commandName);
      try {
        await command?.autocomplete?.(interaction, ctx);
      } catch (err) {
        log.warn({ err }, 'autocomplete failed');
      }
      if (!interaction.responded) await interaction.respond([]).catch((err: unknown) => log.warn({ err }, 'could not answer autocomplete'));
      return;
    }
    if (!interaction.isRepliable()) return;

    if (counts(interaction)) {
      const decision = deps.limiter.take(interaction.user.id);
      if (!decision.ok) {
        log.info({ userId: interaction.user.id }, 'rate limited');
        await sayPrivately(interaction, `You're asking faster than I can answer well. Try again in ${seconds(decision.retryAfterMs)}.`).catch(
          (err: unknown) => log.error({ err }, 'could not send the rate-limit reply'),
        );
        return;
      }
    }

    const handler = route(interaction, deps.commands);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (typeof handler === 'string') {
        await sayPrivately(interaction, handler);
        return;
      }
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new InteractionTimeoutError(`no answer within ${deps.timeoutMs} ms`);
          controller.abort(err);
          reject(err);
        }, deps.timeoutMs);
      });
      await Promise.race([handler(interaction, ctx), timedOut]);
    } catch (err) {
      const timeout = err instanceof InteractionTimeoutError;
      log.error({ err }, timeout ? 'interaction timed out' : 'interaction failed');
      const content = timeout
        ? `That took longer than ${seconds(deps.timeoutMs)}, so I stopped (ref ${interaction.id}). Try a shorter period or a narrower question.`
        : `Something broke on our side (ref ${interaction.id}). Please try again shortly.`;
      try {
        await sayPrivately(interaction, content);
      } catch (sendErr) {
        log.error({ err: sendErr }, 'could not send the failure reply');
      }
    } finally {
      clearTimeout(timer);
    }
  };
}
