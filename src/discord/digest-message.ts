import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Digest } from '../digest/compose-digest.ts';
import type { Subscription } from '../digest/subscription.ts';
import { briefMessage, textMessage, type DiscordMessage } from '../render/discord-embeds.ts';

/** `digest-toggle:<subscription id>` on /subscriptions: pauses an active subscription, resumes a paused one. */
export const TOGGLE_PREFIX = 'digest-toggle:';
/** `digest-pause:<subscription id>:<window>` under every digest; the window part lets a restart find the message. */
export const PAUSE_PREFIX = 'digest-pause:';

/** The subscription id a digest button is for, or undefined for any other custom id. */
export function digestButtonTarget(customId: string): { action: 'pause' | 'toggle'; subscriptionId: string } | undefined {
  const match = /^digest-(pause|toggle):([a-z0-9]{6,16})(?::[a-z0-9]+)?$/.exec(customId);
  return match ? { action: match[1] === 'pause' ? 'pause' : 'toggle', subscriptionId: match[2]! } : undefined;
}

/**
 * One channel's copy of a digest: the shared brief (composed once for every channel of its topic, window and
 * language) and this subscription's Pause button, whose id (`marker`) also identifies the window.
 */
export function digestPayload(digest: Digest, topicTitle: string, marker: string): DiscordMessage & { components: ActionRowBuilder<ButtonBuilder>[] } {
  const pause = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(marker).setLabel('Pause these digests').setStyle(ButtonStyle.Secondary),
  );
  const body = digest.quiet ? textMessage(digest.brief.notices[0] ?? `No new reporting on ${topicTitle}.`) : briefMessage(digest.brief, { topicTitle: `${topicTitle} digest` });
  return { ...body, components: [pause] };
}

export const subscriptionLabel = (subscription: Pick<Subscription, 'topic' | 'channelId'>) => `${subscription.topic} in <#${subscription.channelId}>`;
