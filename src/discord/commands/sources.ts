import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { sourcesOverviewMessage } from '../../render/discord-embeds.ts';
import type { SlashCommand } from '../command.ts';

export const sources = {
  data: new SlashCommandBuilder().setName('sources').setDescription('Which outlets the bot reads: article counts and newest dates'),
  async execute(interaction, ctx) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // the first command after a start loads the index
    const [first, ...rest] = sourcesOverviewMessage(await ctx.app.sources());
    ctx.signal.throwIfAborted();
    await interaction.editReply(first!);
    for (const message of rest) await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
