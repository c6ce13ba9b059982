import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { describeCadence } from '../../digest/cadence.ts';
import type { SlashCommand } from '../command.ts';
import { ephemeral, sayPrivately } from '../replies.ts';
import { NEEDS_MANAGE_CHANNELS } from './subscribe.ts';

/** `/unsubscribe`: stops a channel's digests; what was posted stays. */
export const unsubscribe = {
  data: new SlashCommandBuilder()
    .setName('unsubscribe')
    .setDescription("Stop a channel's digests (needs Manage Channels)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) => option.setName('subscription').setDescription('Which one (as /subscriptions lists them)').setRequired(true).setAutocomplete(true).setMaxLength(16)),
  async execute(interaction, ctx) {
    if (!interaction.inGuild()) return sayPrivately(interaction, 'Subscriptions belong to a server: run /unsubscribe in one.');
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) return sayPrivately(interaction, NEEDS_MANAGE_CHANNELS);
    const id = interaction.options.getString('subscription', true).trim();
    const found = await ctx.app.subscriptions.get(id);
    // Another server's id is treated as unknown: ids must not let one server touch another's digests.
    if (!found || found.guildId !== interaction.guildId) return sayPrivately(interaction, `This server has no subscription \`${id.replace(/`/g, '')}\`. /subscriptions lists the ones it has.`);
    await ctx.app.subscriptions.remove(id);
    await interaction.reply(ephemeral(`Stopped the **${found.topic}** digests in <#${found.channelId}> (${describeCadence(found.cadence)}). Digests already posted stay.`));
  },
  async autocomplete(interaction, ctx) {
    if (!interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) return;
    const typed = interaction.options.getFocused().trim().toLowerCase();
    const channelName = (id: string) => interaction.guild?.channels.cache.get(id)?.name ?? id;
    const choices = (await ctx.app.subscriptions.forGuild(interaction.guildId))
      .map((s) => ({ name: `${s.topic} in #${channelName(s.channelId)} — ${describeCadence(s.cadence)} (${s.timezone})`.slice(0, 100), value: s.id }))
      .filter((choice) => !typed || choice.name.toLowerCase().includes(typed) || choice.value.includes(typed))
      .slice(0, 25);
    await interaction.respond(choices);
  },
} satisfies SlashCommand;
