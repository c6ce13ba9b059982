import type { ChatInputCommandInteraction, Message } from 'discord.js';
import type { AppFailure } from '../failures.ts';
import { explain } from '../failures.ts';
import type { Brief } from '../model.ts';
import { briefMessage, briefTitle, type DiscordMessage } from '../render/discord-embeds.ts';
import type { BotContext } from './command.ts';
import { briefButtons } from './components.ts';
import type { BriefRecord } from './keyv-conversation-store.ts';
import { sayPrivately } from './replies.ts';

export const topicTitle = (ctx: Pick<BotContext, 'app'>, slug: string | null) =>
  (slug === null ? undefined : ctx.app.topics.find((topic) => topic.slug === slug)?.title);

/** The brief rendered for Discord, with the Sources and follow-up buttons. */
export function briefPayload(brief: Brief, ctx: Pick<BotContext, 'app'>): DiscordMessage & { components: ReturnType<typeof briefButtons>[] } {
  return { ...briefMessage(brief, { topicTitle: topicTitle(ctx, brief.topic) }), components: [briefButtons()] };
}

/** What the message's buttons need later, after a restart too. */
export function briefRecord(brief: Brief, ctx: Pick<BotContext, 'app'>): BriefRecord {
  return {
    topic: brief.topic,
    title: briefTitle(brief, { topicTitle: topicTitle(ctx, brief.topic) }),
    period: brief.period,
    mode: brief.mode,
    asOf: brief.asOf,
    ...(brief.question === undefined ? {} : { question: brief.question }),
    summary: brief.points.map((point) => point.text).join('\n').slice(0, 4000),
    sources: brief.sources,
  };
}

/** Remembers a posted brief for its buttons; a store failure costs the buttons, not the brief. */
export async function rememberBrief(message: Message, brief: Brief, ctx: BotContext): Promise<void> {
  try {
    await ctx.conversations.saveBrief(message.id, briefRecord(brief, ctx));
  } catch (err) {
    ctx.log.error({ err, messageId: message.id }, 'could not remember the brief; its buttons will not work');
  }
}

/**
 * Replaces the deferred reply with the brief, or with the failure's explanation seen only by the member.
 * Returns the posted message, or undefined when the app said no.
 */
export async function publishResult(
  interaction: ChatInputCommandInteraction,
  result: { ok: true; value: Brief } | { ok: false; error: AppFailure },
  ctx: BotContext,
): Promise<Message | undefined> {
  ctx.signal.throwIfAborted(); // the dispatcher has already told the member it gave up
  if (!result.ok) {
    await sayPrivately(interaction, explain(result.error));
    return undefined;
  }
  const message = await interaction.editReply(briefPayload(result.value, ctx));
  await rememberBrief(message, result.value, ctx);
  return message;
}
