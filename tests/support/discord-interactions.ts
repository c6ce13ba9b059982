// Builds what a member's click or command would make Discord send, fills in every field discord.js 14.28 needs,
// and dispatches it as INTERACTION_CREATE to the session that owns the channel's guild.
import { PermissionFlagsBits } from 'discord.js';
import type { DiscordGateway } from './discord-gateway.ts';
import { newMessage } from './discord-messages.ts';
import { isThread, iso } from './discord-state.ts';
import type { DoubleState } from './discord-state.ts';
import { isJson } from './discord-types.ts';
import type { CommandOption, CommandOptions, InteractionExtras, Json, SentInteraction } from './discord-types.ts';

// An ordinary member, not an admin, so permission checks in commands are exercised by default.
const DEFAULT_MEMBER_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.SendMessagesInThreads,
);

export class InteractionSender {
  constructor(private readonly state: DoubleState, private readonly gateway: DiscordGateway) {}

  chatInput(name: string, options: CommandOptions, extras: InteractionExtras): SentInteraction {
    return this.send(2, { id: this.state.snowflake(), name, type: 1, options: toOptions(options) }, extras);
  }

  autocomplete(name: string, options: CommandOptions, extras: InteractionExtras & { focused?: string }): SentInteraction {
    const list = toOptions(options);
    const focused = extras.focused ?? list[0]?.name;
    const marked = list.map((option) => (option.name === focused ? { ...option, focused: true } : option));
    return this.send(4, { id: this.state.snowflake(), name, type: 1, options: marked }, extras);
  }

  button(customId: string, message: Json, extras: InteractionExtras): SentInteraction {
    return this.send(3, { custom_id: customId, component_type: 2 }, extras, { message: this.componentMessage(message, extras) });
  }

  modalSubmit(customId: string, fields: Record<string, string>, message: Json | undefined, extras: InteractionExtras): SentInteraction {
    const components = Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
    const more = message ? { message: this.componentMessage(message, extras) } : {};
    return this.send(5, { custom_id: customId, components }, extras, more);
  }

  private send(type: number, data: Json, extras: InteractionExtras, more: Json = {}): SentInteraction {
    const { state } = this;
    const channelId = this.channelOf(extras);
    const channel = extras.channel ?? state.channels.get(channelId) ?? { id: channelId, type: 0, guild_id: state.guildOf(channelId) };
    const guildId = typeof channel.guild_id === 'string' ? channel.guild_id : state.guildOf(channelId);
    // Without Partials.Channel, discord.js resolves `interaction.channel` only from its cache.
    if (isThread(channel) && !state.channels.has(channelId)) {
      state.channels.set(channelId, channel);
      this.gateway.sendDispatch('THREAD_CREATE', { ...channel, newly_created: true });
    }
    const id = state.snowflake();
    const token = `itok-${id}`;
    const user = { id: extras.userId ?? '200000000000000001', username: 'analyst', discriminator: '0', global_name: 'Analyst', avatar: null };
    const permissions = extras.memberPermissions ?? DEFAULT_MEMBER_PERMISSIONS;
    const sentAt = this.gateway.sendDispatch('INTERACTION_CREATE', {
      id, application_id: state.appId, type, token, version: 1, guild_id: guildId, channel_id: channelId, channel,
      member: { user, roles: [], joined_at: iso(), permissions, deaf: false, mute: false, flags: 0 },
      app_permissions: extras.appPermissions ?? state.botPermissions, locale: 'en-US', guild_locale: 'en-US',
      // Both are required: without them discord.js drops the interaction with an unhandled rejection.
      entitlements: [], authorizing_integration_owners: { '0': guildId }, context: 0, data, ...more,
    });
    const message = isJson(more.message) ? more.message : undefined;
    state.interactions.set(token, { id, token, sentAt, type, channelId, ...(message ? { message } : {}) });
    return { id, token, sentAt };
  }

  private componentMessage(message: Json, extras: InteractionExtras): Json {
    const full = { ...newMessage(this.state, this.channelOf(extras), {}, false), ...message };
    this.state.messages.set(String(full.id), full); // so `interaction.message.edit()` finds it
    return full;
  }

  private channelOf(extras: InteractionExtras): string {
    return extras.channelId ?? (typeof extras.channel?.id === 'string' ? extras.channel.id : this.state.channelId);
  }
}

function toOptions(options: CommandOptions): CommandOption[] {
  if (Array.isArray(options)) return options;
  return Object.entries(options).map(([name, value]) => ({
    name, value,
    type: typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : Number.isInteger(value) ? 4 : 10,
  }));
}
