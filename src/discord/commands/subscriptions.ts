import { ActionRowBuilder, ButtonBuilder, ButtonStyle, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { describeCadence } from '../../digest/cadence.ts';
import { nextRun } from '../../digest/schedule.ts';
import type { Subscription } from '../../digest/subscription.ts';
import { escapedClip, LIMITS } from '../../render/discord-embeds.ts';
import type { SlashCommand } from '../command.ts';
import { TOGGLE_PREFIX } from '../digest-message.ts';
import { sayPrivately } from '../replies.ts';
import { discordTime, NEEDS_MANAGE_CHANNELS } from './subscribe.ts';

/** One subscription as /subscriptions shows it: where, what, when next, and whether it is running. */
export function subscriptionField(subscription: Subscription, n: number, now: Date): { name: string; value: string } {
  const next = subscription.status.state === 'active' ? nextRun(subscription.cadence, subscription.timezone, now) : undefined;
  const status = subscription.status.state === 'active'
    ? `Active · next ${next ? discordTime(next) : 'never (the schedule has no future run)'}`
    : `**Paused** since ${discordTime(subscription.status.since)}: ${escapedClip(subscription.status.reason, 400)}`;
  const last = subscription.lastDelivery
    ? `\nLast: ${subscription.lastDelivery.quiet ? 'no new reporting' : 'digest'} for the period up to ${discordTime(subscription.lastDelivery.windowEnd)}`
    : '';
  return {
    name: `${n}. ${subscription.topic} · ${describeCadence(subscription.cadence)} (${subscription.timezone})`.slice(0, LIMITS.fieldName),
    value: `<#${subscription.channelId}> · id \`${subscription.id}\`${subscription.language === 'en' ? '' : ` · ${subscription.language}`}\n${status}${last}`.slice(0, LIMITS.fieldValue),
  };
}

/** Pause / Resume buttons, five to a row, numbered as the fields are. */
export function toggleButtons(subscriptions: readonly Subscription[]): ActionRowBuilder<ButtonBuilder>[] {
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  subscriptions.slice(0, 25).forEach((subscription, i) => {
    if (i % 5 === 0) rows.push(new ActionRowBuilder<ButtonBuilder>());
    const active = subscription.status.state === 'active';
    rows.at(-1)!.addComponents(
      new ButtonBuilder()
        .setCustomId(`${TOGGLE_PREFIX}${subscription.id}`)
        .setLabel(`${active ? 'Pause' : 'Resume'} ${i + 1}`)
        .setStyle(active ? ButtonStyle.Secondary : ButtonStyle.Success),
    );
  });
  return rows;
}

/** `/subscriptions`: this server's digests with their next run and status, and a pause/resume button each. */
export const subscriptions = {
  data: new SlashCommandBuilder()
    .setName('subscriptions')
    .setDescription("This server's digest subscriptions, with next run and status (needs Manage Channels)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
    .setContexts(InteractionContextType.Guild),
  async execute(interaction, ctx) {
    if (!interaction.inGuild()) return sayPrivately(interaction, 'Subscriptions belong to a server: run /subscriptions in one.');
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) return sayPrivately(interaction, NEEDS_MANAGE_CHANNELS);
    const list = await ctx.app.subscriptions.forGuild(interaction.guildId);
    if (list.length === 0) return sayPrivately(interaction, 'No channel here gets digests yet. `/subscribe` sets one up, e.g. daily at 08:00 in your timezone.');
    const now = new Date();
    await interaction.reply({
      embeds: [{ title: 'Digest subscriptions', color: 0x2b6cb0, fields: list.slice(0, 25).map((subscription, i) => subscriptionField(subscription, i + 1, now)) }],
      components: toggleButtons(list),
      allowedMentions: { parse: [] },
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies SlashCommand;
