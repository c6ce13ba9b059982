import { SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../command.ts';
import { MAX_QUESTION_CHARS } from '../components.ts';
import { condense } from '../keyv-conversation-store.ts';
import { missingPermissions, missingPermissionsText, POST_IN_CHANNEL, POST_IN_THREAD } from '../permissions.ts';
import { modelProgress, publishResult } from '../publish-brief.ts';
import { sayPrivately } from '../replies.ts';
import { topicChoices } from './topic-choices.ts';

export const ask = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Answer a question from the stored sources, with citations')
    .addStringOption((option) =>
      option.setName('question').setDescription('e.g. When did Xi last visit Pyongyang?').setRequired(true).setMaxLength(MAX_QUESTION_CHARS),
    )
    .addStringOption((option) => option.setName('topic').setDescription('Only look within this topic').setAutocomplete(true)),
  async execute(interaction, ctx) {
    const inThread = interaction.channel?.isThread() ?? false;
    const missing = missingPermissions(interaction.appPermissions, inThread ? POST_IN_THREAD : POST_IN_CHANNEL);
    if (missing.length > 0) return sayPrivately(interaction, missingPermissionsText(missing));
    await interaction.deferReply();
    const question = interaction.options.getString('question', true);
    // In a follow-up thread the bot started, earlier turns sharpen the search and the brief's topic applies.
    const conversation = inThread && interaction.channelId ? await ctx.conversations.conversation(interaction.channelId) : undefined;
    const context = conversation ? condense(conversation.turns) : '';
    const progress = modelProgress(interaction, ctx);
    let result: Awaited<ReturnType<typeof ctx.app.ask>>;
    try {
      result = await ctx.app.ask({
        question,
        topic: interaction.options.getString('topic') ?? conversation?.topic ?? undefined,
        ...(context ? { context } : {}),
        ...progress.call,
      });
    } finally {
      await progress.finish();
    }
    const posted = await publishResult(interaction, result, ctx);
    if (posted && conversation && result.ok) {
      const answer = result.value.points.map((point) => point.text).join('\n') || result.value.notices.join('\n');
      await ctx.conversations.appendTurn(interaction.channelId, { question, answer, askedAt: new Date() });
    }
  },
  autocomplete: topicChoices,
} satisfies SlashCommand;
