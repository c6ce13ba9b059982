import { PermissionFlagsBits, type ButtonInteraction } from 'discord.js';
import { previousTick } from '../digest/schedule.ts';
import type { BotContext } from './command.ts';
import { NEEDS_MANAGE_CHANNELS } from './commands/subscribe.ts';
import { digestButtonTarget } from './digest-message.ts';
import { ephemeral, sayPrivately } from './replies.ts';

/**
 * "Pause these digests" under a digest and Pause/Resume on /subscriptions. Resuming starts from the latest
 * period rather than replaying everything since the pause: a paused channel asked for silence.
 */
export async function toggleDigest(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const target = digestButtonTarget(interaction.customId);
  if (!target) return sayPrivately(interaction, 'This button no longer works. Run /subscriptions.');
  if (!interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) return sayPrivately(interaction, NEEDS_MANAGE_CHANNELS);
  const now = new Date();
  let before: 'active' | 'paused' | undefined;
  const updated = await ctx.app.subscriptions.update(target.subscriptionId, (current) => {
    if (current.guildId !== interaction.guildId) return undefined;
    before = current.status.state;
    if (current.status.state === 'active') {
      return { ...current, status: { state: 'paused', reason: `Paused by ${interaction.user.username}.`, since: now, by: interaction.user.id } };
    }
    if (target.action === 'pause') return undefined; // a Pause button on an old digest does not resume
    const latest = previousTick(current.cadence, current.timezone, now);
    return { ...current, status: { state: 'active' }, cursor: latest && latest > current.cursor ? latest : current.cursor };
  });
  if (!updated) {
    const message = before === 'paused' ? 'These digests are already paused. /subscriptions resumes them.' : 'That subscription no longer exists. /subscriptions lists the current ones.';
    return sayPrivately(interaction, message);
  }
  await interaction.reply(
    ephemeral(
      updated.status.state === 'paused'
        ? `Paused the **${updated.topic}** digests in <#${updated.channelId}>. /subscriptions resumes them.`
        : `Resumed the **${updated.topic}** digests in <#${updated.channelId}>; the next one covers the latest period.`,
    ),
  );
}
