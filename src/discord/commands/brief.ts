import { SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../command.ts';
import { missingPermissions, missingPermissionsText, POST_IN_CHANNEL, POST_IN_THREAD } from '../permissions.ts';
import { modelProgress, publishResult } from '../publish-brief.ts';
import { sayPrivately } from '../replies.ts';
import { topicChoices } from './topic-choices.ts';

export const brief = {
  data: new SlashCommandBuilder()
    .setName('brief')
    .setDescription('Dated, cited summary of recent news on a topic')
    .addStringOption((option) => option.setName('topic').setDescription('The beat, e.g. china-dprk').setRequired(true).setAutocomplete(true))
    .addStringOption((option) => option.setName('since').setDescription('Start: YYYY-MM-DD or days back such as 7d (default 30d)').setMaxLength(10))
    .addStringOption((option) => option.setName('until').setDescription('End: YYYY-MM-DD or days back (default today)').setMaxLength(10))
    .addStringOption((option) => option.setName('focus').setDescription('Only developments about this, e.g. trade or sanctions').setMaxLength(200)),
  async execute(interaction, ctx) {
    const missing = missingPermissions(interaction.appPermissions, interaction.channel?.isThread() ? POST_IN_THREAD : POST_IN_CHANNEL);
    if (missing.length > 0) return sayPrivately(interaction, missingPermissionsText(missing));
    await interaction.deferReply(); // retrieval can outlast Discord's 3-second window
    const progress = modelProgress(interaction, ctx); // "Queued for the model — 3 ahead of you." while it waits
    let result: Awaited<ReturnType<typeof ctx.app.brief>>;
    try {
      result = await ctx.app.brief({
        topic: interaction.options.getString('topic', true),
        since: interaction.options.getString('since') ?? undefined,
        until: interaction.options.getString('until') ?? undefined,
        focus: interaction.options.getString('focus') ?? undefined,
        ...progress.call,
      });
    } finally {
      await progress.finish(); // no queue notice may land after the brief
    }
    await publishResult(interaction, result, ctx);
  },
  autocomplete: topicChoices,
} satisfies SlashCommand;
