import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { FeedHealth } from '../../feed-runtime.ts';
import { sourcesOverviewMessage } from '../../render/discord-embeds.ts';
import type { BotContext, SlashCommand } from '../command.ts';

/** Feed health, or a sentence when it cannot be read: the outlets are worth showing either way. */
async function feedHealth(ctx: BotContext, guildId: string | null): Promise<readonly FeedHealth[] | string> {
  try {
    return await ctx.app.feedHealth(guildId ?? undefined);
  } catch (err) {
    ctx.log.warn({ err }, 'feed health unavailable');
    return 'Feed health is unavailable right now (the feed list or the store could not be read).';
  }
}

export const sources = {
  data: new SlashCommandBuilder().setName('sources').setDescription('Which outlets the bot reads, and how each feed is doing'),
  async execute(interaction, ctx) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // the first command after a start loads the index
    const [overview, feeds] = await Promise.all([ctx.app.sources(), feedHealth(ctx, interaction.guildId)]);
    const [first, ...rest] = sourcesOverviewMessage(overview, feeds);
    ctx.signal.throwIfAborted();
    await interaction.editReply(first!);
    for (const message of rest) await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
