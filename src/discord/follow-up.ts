import {
  ChannelType,
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  type AnyThreadChannel,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { explain } from '../failures.ts';
import type { Brief } from '../model.ts';
import { clip, sourcesList, textMessage } from '../render/discord-embeds.ts';
import type { BotContext } from './command.ts';
import { CUSTOM_IDS, followUpModal } from './components.ts';
import { condense, type BriefRecord, type Conversation } from './keyv-conversation-store.ts';
import { missingPermissions, missingPermissionsText, POST_IN_THREAD, START_THREAD } from './permissions.ts';
import { briefPayload, modelProgress, rememberBrief, topicTitle } from './publish-brief.ts';
import { sayPrivately } from './replies.ts';

const FORGOTTEN = "I no longer remember this brief (I keep them for 30 days). Run /brief again and use the new message's buttons.";

/** A stored record in the shape the renderer takes. */
const asBrief = (record: BriefRecord): Brief => ({
  topic: record.topic, mode: record.mode, asOf: record.asOf, period: record.period, points: [], sources: record.sources, notices: [],
  ...(record.question === undefined ? {} : { question: record.question }),
});

/** The "Sources" button: every source of the brief, seen only by the member who pressed it. */
export async function showSources(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const record = await ctx.conversations.brief(interaction.message.id);
  if (!record) return sayPrivately(interaction, FORGOTTEN);
  const [first, ...rest] = sourcesList(asBrief(record), { topicTitle: topicTitle(ctx, record.topic) });
  await interaction.reply({ ...first!, flags: MessageFlags.Ephemeral });
  for (const message of rest) await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
}

/** Permissions needed to answer a follow-up where this interaction happened; undefined when all are there. */
function permissionProblem(interaction: ButtonInteraction | ModalSubmitInteraction): string | undefined {
  const missing = missingPermissions(interaction.appPermissions, interaction.channel?.isThread() ? POST_IN_THREAD : START_THREAD);
  return missing.length > 0 ? missingPermissionsText(missing) : undefined;
}

/** The "Ask a follow-up" button: opens the question form, unless the answer could not be posted anyway. */
export async function openFollowUp(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const problem = permissionProblem(interaction);
  if (problem) return sayPrivately(interaction, problem);
  if (!(await ctx.conversations.brief(interaction.message.id))) return sayPrivately(interaction, FORGOTTEN);
  await interaction.showModal(followUpModal(interaction.message.id));
}

/** The brief's follow-up thread: the one already started on it, or a new public thread. */
async function threadFor(interaction: ModalSubmitInteraction, messageId: string, record: BriefRecord): Promise<AnyThreadChannel | string> {
  if (record.threadId) {
    const existing = await interaction.client.channels.fetch(record.threadId).catch(() => null);
    if (existing?.isThread()) return existing;
  }
  const channel = interaction.channel;
  if (channel?.type !== ChannelType.GuildText && channel?.type !== ChannelType.GuildAnnouncement) {
    return 'I can only start follow-up threads in text and announcement channels.';
  }
  try {
    return await channel.threads.create({
      startMessage: messageId,
      name: clip(`Follow-up: ${record.question ?? record.title}`, 100),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
  } catch (err) {
    // Started by someone else, or before the record learnt its id: the thread's id is the message's.
    if (!(err instanceof DiscordAPIError) || err.code !== RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) throw err;
    const existing = await interaction.client.channels.fetch(messageId);
    if (existing?.isThread()) return existing;
    throw err;
  }
}

/**
 * The follow-up form was sent: answer in the brief's thread (started on first use), with the thread's earlier
 * turns as context and the brief's topic, then remember the turn.
 */
export async function askFollowUp(interaction: ModalSubmitInteraction, messageId: string, ctx: BotContext): Promise<void> {
  const question = interaction.fields.getTextInputValue(CUSTOM_IDS.questionInput).trim();
  const problem = permissionProblem(interaction);
  if (problem) return sayPrivately(interaction, problem);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // a new thread and the answer can outlast 3 seconds

  let thread: AnyThreadChannel;
  let conversation: Conversation;
  const here = interaction.channel;
  if (here?.isThread()) {
    thread = here;
    conversation = (await ctx.conversations.conversation(here.id)) ?? (await ctx.conversations.linkThread(messageId, here.id));
  } else {
    const record = await ctx.conversations.brief(messageId);
    if (!record) return sayPrivately(interaction, FORGOTTEN);
    const found = await threadFor(interaction, messageId, record);
    if (typeof found === 'string') return sayPrivately(interaction, found);
    thread = found;
    conversation = await ctx.conversations.linkThread(messageId, thread.id);
  }

  const context = condense(conversation.turns);
  const progress = modelProgress(interaction, ctx); // the private "thinking…" shows the queue position while it waits
  let result: Awaited<ReturnType<typeof ctx.app.ask>>;
  try {
    result = await ctx.app.ask({ question, topic: conversation.topic ?? undefined, ...(context ? { context } : {}), ...progress.call });
  } finally {
    await progress.finish();
  }
  ctx.signal.throwIfAborted();
  if (!result.ok) return sayPrivately(interaction, explain(result.error));
  const posted = await thread.send(briefPayload(result.value, ctx));
  await rememberBrief(posted, result.value, ctx);
  const answer = result.value.points.map((point) => point.text).join('\n') || result.value.notices.join('\n');
  await ctx.conversations.appendTurn(thread.id, { question, answer, askedAt: new Date() });
  await interaction.editReply(textMessage(`Answered in <#${thread.id}>.`));
}
