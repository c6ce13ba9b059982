import type { ChatInputCommandInteraction, Message, RepliableInteraction } from 'discord.js';
import type { ModelCall } from '../briefing.ts';
import type { AppFailure } from '../failures.ts';
import { explain } from '../failures.ts';
import type { Brief } from '../model.ts';
import { briefMessage, briefTitle, textMessage, type DiscordMessage } from '../render/discord-embeds.ts';
import type { BotContext } from './command.ts';
import { briefButtons } from './components.ts';
import type { BriefRecord } from './keyv-conversation-store.ts';
import { clearPlaceholder, markPlaceholder, sayPrivately } from './replies.ts';

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

/** The deferred reply while a request waits for the model. */
export const queuedText = (ahead: number): string =>
  (ahead === 0 ? "Queued for the model — you're next." : `Queued for the model — ${ahead} ahead of you.`);

/** Interactions answered from the extractive text because the model queue was full: the dispatcher counts them as `busy`. */
const turnedAway = new WeakSet<RepliableInteraction>();
export const wasTurnedAway = (interaction: RepliableInteraction): boolean => turnedAway.has(interaction);

export type ModelProgress = {
  /** For app.brief / app.ask: the server, the dispatcher's signal and the progress callbacks. */
  call: ModelCall;
  /** Stops further progress edits and waits for the one in flight, so it cannot land on top of the answer. */
  finish(): Promise<void>;
};

/**
 * Keeps the member's deferred reply up to date while the request waits for the model: "Queued for the model —
 * 3 ahead of you.", until the answer replaces it. Edits go one at a time and only the latest count is sent; a
 * failed edit is logged and costs nothing else. Nothing is edited after `finish()` or once the dispatcher gave up.
 */
export function modelProgress(interaction: RepliableInteraction, ctx: Pick<BotContext, 'signal' | 'log'>): ModelProgress {
  let finished = false;
  let latest: number | undefined;
  let scheduled = false;
  let sending = Promise.resolve();
  const live = () => !finished && !ctx.signal.aborted;
  const onQueued = (ahead: number) => {
    if (!live()) return;
    latest = ahead;
    if (scheduled) return;
    scheduled = true;
    sending = sending.then(async () => {
      scheduled = false;
      if (!live() || latest === undefined) return;
      try {
        await interaction.editReply(textMessage(queuedText(latest)));
        markPlaceholder(interaction);
      } catch (err) {
        ctx.log.warn({ err }, 'could not show the queue position');
      }
    });
  };
  return {
    call: {
      guildId: interaction.guildId ?? undefined,
      signal: ctx.signal,
      onQueued,
      onFallback: (reason) => {
        if (reason === 'busy') turnedAway.add(interaction);
      },
    },
    finish: async () => {
      finished = true;
      await sending;
    },
  };
}

/**
 * Replaces the deferred reply (or its queue notice) with the brief, or with the failure's explanation seen only
 * by the member. Returns the posted message, or undefined when the app said no.
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
  // content: '' clears a queue notice; an edit without it would keep the text above the embed.
  const message = await interaction.editReply({ ...briefPayload(result.value, ctx), content: '' });
  clearPlaceholder(interaction);
  await rememberBrief(message, result.value, ctx);
  return message;
}
