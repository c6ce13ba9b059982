import type { AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { ConversationStore } from './keyv-conversation-store.ts';

/** What a handler may use; built once per interaction by the dispatcher. */
export type BotContext = {
  app: App;
  conversations: ConversationStore;
  /** A child logger carrying the interaction's id and command. */
  log: Logger;
  /** Aborted at INTERACTION_TIMEOUT_SECONDS; check it before sending anything after slow work. */
  signal: AbortSignal;
  /** The registered commands, for /help. */
  commands: readonly SlashCommand[];
};

/** One slash command: its definition (registered as JSON) and its handlers. */
export type SlashCommand = {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
};
