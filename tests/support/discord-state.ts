// What the double remembers between requests: guilds, channels, messages, interactions and commands, and the
// violations every part records. One instance per double, shared by the gateway, the interaction builders and the routes.
import { PermissionFlagsBits } from 'discord.js';
import { generatedGuildId, snowflakes } from './discord-ids.ts';
import type { DoubleOptions, Json, SentInteraction } from './discord-types.ts';

interface InteractionState extends SentInteraction {
  type: number;
  channelId: string;
  callbackType?: number;
  ackedAt?: number;
  original?: Json;
  /** The message a component was clicked on; `@original` for update callbacks (6/7). */
  message?: Json;
}
export interface GuildState { id: string; name: string; ownerId: string; botRoleId: string }
export interface LoggedMessage { channelId: string; id: string; nonce?: string | number; createdAt: number; created: Json }

const DEFAULT_BOT_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads,
);
const THREAD_TYPES = new Set([10, 11, 12]);

export const isThread = (channel: Json) => THREAD_TYPES.has(Number(channel.type));
export const iso = () => new Date().toISOString();

export class DoubleState {
  /** Broken Discord limits and missing `allowed_mentions: { parse: [] }`. */
  readonly violations: string[] = [];
  readonly snowflake = snowflakes();
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, Json>();
  readonly messages = new Map<string, Json>();
  readonly channelLog: LoggedMessage[] = []; // every POST /channels/:id/messages that created a message
  readonly nonces = new Map<string, LoggedMessage>(); // `${channelId} ${nonce}`
  readonly interactions = new Map<string, InteractionState>(); // by token
  readonly commands = new Map<string, Json[]>(); // 'global' or a guild id
  readonly now: () => number;
  readonly appId: string;
  readonly botUser: Json;
  readonly botPermissions: string;
  /** The first guild. */
  readonly guildId: string;
  /** The first guild's first text channel. */
  readonly channelId: string;

  constructor(readonly options: DoubleOptions) {
    if (options.guilds && (options.guildId !== undefined || options.channelId !== undefined)) {
      throw new Error('DiscordDouble: pass guildId/channelId or guilds, not both (the first of guilds is guildId)');
    }
    this.now = options.now ?? (() => Date.now());
    this.appId = this.snowflake();
    const specs = options.guilds ?? [{ ...(options.guildId === undefined ? {} : { id: options.guildId }), channels: [options.channelId ?? this.snowflake()] }];
    specs.forEach((spec, index) => {
      const id = spec.id ?? generatedGuildId(index);
      this.guilds.set(id, { id, name: index === 0 ? 'Briefing Test Guild' : `Briefing Test Guild ${index + 1}`, ownerId: this.snowflake(), botRoleId: this.snowflake() });
      const channels = typeof spec.channels === 'number' ? Array.from({ length: spec.channels }, () => this.snowflake()) : spec.channels ?? [this.snowflake()];
      for (const channelId of channels) this.textChannel(channelId, id);
    });
    const [first] = this.guilds.keys();
    const [firstChannel] = first === undefined ? [] : this.channelIds(first);
    if (first === undefined || firstChannel === undefined) throw new Error('DiscordDouble: the first guild needs a text channel (it becomes channelId)');
    this.guildId = first;
    this.channelId = firstChannel;
    this.botPermissions = options.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    this.botUser = { id: this.appId, username: 'briefing-bot', discriminator: '0000', global_name: null, avatar: null, bot: true, flags: 0 };
  }

  /** Text channels (not threads) of one guild, or of all guilds, in creation order. */
  channelIds(guildId?: string): string[] {
    return [...this.channels.values()]
      .filter((channel) => !isThread(channel) && (guildId === undefined || channel.guild_id === guildId))
      .map((channel) => String(channel.id));
  }

  textChannel(id: string, guildId: string): Json {
    const position = this.channelIds(guildId).length;
    const channel = {
      id, type: 0, guild_id: guildId, name: position === 0 ? 'briefings' : `briefings-${position + 1}`, position,
      permission_overwrites: [], parent_id: null, nsfw: false, rate_limit_per_user: 0, topic: null, last_message_id: null,
    };
    this.channels.set(id, channel);
    return channel;
  }

  threadChannel(id: string, parentId: string, overrides: Json): Json {
    const thread = {
      id, type: 11, guild_id: this.guildOf(parentId), parent_id: parentId, name: 'thread', owner_id: this.appId, flags: 0,
      rate_limit_per_user: 0, message_count: 0, member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: iso(), locked: false },
      ...overrides,
    };
    this.channels.set(id, thread);
    return thread;
  }

  guildOf(channelId: string): string {
    const guildId = this.channels.get(channelId)?.guild_id;
    return typeof guildId === 'string' ? guildId : this.guildId;
  }

  /** Records each problem as `${where}: ${problem}`. */
  record(where: string, problems: string[]): void {
    this.violations.push(...problems.map((problem) => `${where}: ${problem}`));
  }

  /** Records problems; returns false when the request should be rejected like Discord would. */
  check(where: string, problems: string[]): boolean {
    this.record(where, problems);
    return problems.length === 0 || this.options.rejectInvalid === false;
  }
}
