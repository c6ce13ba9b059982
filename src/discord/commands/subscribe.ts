import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction, type PermissionsBitField } from 'discord.js';
import { describeCadence, parseCadenceInput } from '../../digest/cadence.ts';
import { isValidTimezone, previousTick, nextRun } from '../../digest/schedule.ts';
import { newSubscriptionId, SUBSCRIPTION_VERSION, type Subscription } from '../../digest/subscription.ts';
import { timezoneChoices } from '../../digest/timezones.ts';
import type { BotContext, SlashCommand } from '../command.ts';
import { missingPermissions, missingPermissionsText, POST_IN_CHANNEL } from '../permissions.ts';
import { ephemeral, sayPrivately } from '../replies.ts';
import { topicChoices } from './topic-choices.ts';

/** More than this per server is almost certainly a mistake, and each one is a message per period. */
export const MAX_SUBSCRIPTIONS_PER_GUILD = 25;
export const NEEDS_MANAGE_CHANNELS = 'Only members with the **Manage Channels** permission can manage digests. Ask a server admin.';

/** `<t:…:F>`: Discord shows it in each reader's own timezone, with the relative time after it. */
export const discordTime = (date: Date) => `<t:${Math.floor(date.getTime() / 1000)}:F> (<t:${Math.floor(date.getTime() / 1000)}:R>)`;

/** What the bot may do in the target channel: the interaction says so for its own channel; others are computed from the cached guild. */
function botPermissionsIn(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, channelId: string): Readonly<PermissionsBitField> | undefined {
  if (channelId === interaction.channelId) return interaction.appPermissions;
  const me = interaction.guild?.members.me;
  const channel = interaction.guild?.channels.cache.get(channelId);
  return me && channel ? channel.permissionsFor(me) : undefined;
}

async function subscribeHere(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, ctx: BotContext): Promise<void> {
  const topic = interaction.options.getString('topic', true);
  const known = ctx.app.topics.find((candidate) => candidate.slug === topic);
  if (!known) return sayPrivately(interaction, `Unknown topic "${topic}". Known topics: ${ctx.app.topics.map((t) => t.slug).join(', ')}.`);
  const timezone = interaction.options.getString('timezone', true);
  if (!isValidTimezone(timezone)) return sayPrivately(interaction, `"${timezone}" is not a timezone I know: pick one from the list, e.g. Europe/London or Asia/Seoul.`);
  const cadence = parseCadenceInput({
    cadence: interaction.options.getString('cadence', true),
    time: interaction.options.getString('time', true),
    weekday: interaction.options.getString('weekday') ?? undefined,
    cron: interaction.options.getString('cron') ?? undefined,
  });
  if (!cadence.ok) return sayPrivately(interaction, cadence.error);
  const language = (interaction.options.getString('language') ?? 'en').trim().toLowerCase();
  if (!/^[a-z]{2,3}$/.test(language)) return sayPrivately(interaction, 'language must be a two- or three-letter code such as en, ko or zh.');

  const channelId = interaction.options.getChannel('channel')?.id ?? interaction.channelId;
  const granted = botPermissionsIn(interaction, channelId);
  if (!granted) return sayPrivately(interaction, `I can't see <#${channelId}>. Add me to that channel (View Channel, Send Messages, Embed Links), then try again.`);
  const missing = missingPermissions(granted, POST_IN_CHANNEL);
  if (missing.length > 0) return sayPrivately(interaction, `${missingPermissionsText(missing).replace('in this channel', `in <#${channelId}>`)}`);

  const now = new Date();
  const existing = await ctx.app.subscriptions.forGuild(interaction.guildId);
  const same = existing.find((s) => s.channelId === channelId && s.topic === topic);
  if (!same && existing.length >= MAX_SUBSCRIPTIONS_PER_GUILD) {
    return sayPrivately(interaction, `This server already has ${existing.length} digest subscriptions, the most I keep. Remove one with /unsubscribe first.`);
  }
  // The first digest covers one full period before its first run, like every later one.
  const subscription: Subscription = {
    version: SUBSCRIPTION_VERSION,
    id: same?.id ?? newSubscriptionId(),
    guildId: interaction.guildId,
    channelId,
    topic,
    cadence: cadence.value,
    timezone,
    language,
    createdBy: interaction.user.id,
    createdAt: same?.createdAt ?? now,
    cursor: same?.cursor ?? previousTick(cadence.value, timezone, now) ?? now,
    status: { state: 'active' },
    ...(same?.lastDelivery ? { lastDelivery: same.lastDelivery } : {}),
  };
  await ctx.app.subscriptions.put(subscription);
  const next = nextRun(cadence.value, timezone, now);
  await interaction.reply(
    ephemeral(
      `${same ? 'Updated' : 'Subscribed'}: <#${channelId}> gets **${known.title}** digests ${describeCadence(cadence.value)} (${timezone})` +
        `${language === 'en' ? '' : `, in ${language}`}.` +
        (next ? ` Next: ${discordTime(next)}.` : '') +
        ' Each digest covers what was published since the one before. `/subscriptions` lists them, with pause and resume.',
    ),
  );
}

/** `/subscribe`: a channel gets a digest of a topic on a schedule (needs Manage Channels). */
export const subscribe = {
  data: new SlashCommandBuilder()
    .setName('subscribe')
    .setDescription('Post a digest of a topic in a channel on a schedule (needs Manage Channels)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) => option.setName('topic').setDescription('The beat, e.g. china-dprk').setRequired(true).setAutocomplete(true))
    .addStringOption((option) =>
      option.setName('cadence').setDescription('How often').setRequired(true).addChoices(
        { name: 'daily', value: 'daily' },
        { name: 'weekly (pick a weekday)', value: 'weekly' },
        { name: 'cron expression (advanced)', value: 'cron' },
      ))
    .addStringOption((option) => option.setName('time').setDescription('Local time, 24-hour HH:MM, e.g. 08:00').setRequired(true).setMinLength(4).setMaxLength(5))
    .addStringOption((option) => option.setName('timezone').setDescription('Where that time is, e.g. Europe/London').setRequired(true).setAutocomplete(true).setMaxLength(64))
    .addChannelOption((option) => option.setName('channel').setDescription('Where to post (default: this channel)').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement))
    .addStringOption((option) =>
      option.setName('weekday').setDescription('For weekly: the day').addChoices(
        ...(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ name: day, value: day })),
      ))
    .addStringOption((option) => option.setName('cron').setDescription('For cron: five fields, e.g. 0 8 * * 1-5 (at most hourly); time is then ignored').setMaxLength(100))
    .addStringOption((option) => option.setName('language').setDescription('Language of model-written digests, e.g. en, ko, zh (default en)').setMaxLength(3)),
  async execute(interaction, ctx) {
    if (!interaction.inGuild()) return sayPrivately(interaction, 'Digests post in a server channel: run /subscribe in one.');
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) return sayPrivately(interaction, NEEDS_MANAGE_CHANNELS);
    await subscribeHere(interaction, ctx);
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'topic') return topicChoices(interaction, ctx);
    if (focused.name === 'timezone') await interaction.respond(timezoneChoices(focused.value, 25, new Date()));
  },
} satisfies SlashCommand;
