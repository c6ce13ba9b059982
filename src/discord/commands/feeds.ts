import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { clip, escapedClip, guildFeedsMessage, textMessage } from '../../render/discord-embeds.ts';
import type { BotContext, SlashCommand } from '../command.ts';
import { ephemeral, sayPrivately } from '../replies.ts';
import { topicChoices } from './topic-choices.ts';

const NEEDS_MANAGE_SERVER = "Only members with the **Manage Server** permission can change this server's feeds. Ask a server admin.";
/** Discord shows at most 25 choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;

type GuildInteraction = ChatInputCommandInteraction<'cached' | 'raw'>;

/** An address as inline code: shown exactly, never a link. */
const code = (text: string) => `\`${clip(text, 300).replace(/`/g, '%60')}\``;

async function add(interaction: GuildInteraction, ctx: BotContext): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // fetching the feed can take up to 30 seconds
  const topics = ctx.app.topics.map((topic) => topic.slug);
  const topic = interaction.options.getString('topic') ?? (topics.length === 1 ? topics[0] : undefined);
  if (!topic) return sayPrivately(interaction, `Pick the topic this feed covers with \`topic:\` — one of ${topics.join(', ')}.`);
  const result = await ctx.app.addGuildFeed({
    guildId: interaction.guildId,
    url: interaction.options.getString('url', true),
    topic,
    name: interaction.options.getString('name') ?? undefined,
    addedBy: interaction.user.id,
  });
  ctx.signal.throwIfAborted();
  if (!result.ok) return sayPrivately(interaction, `I didn't add that feed: ${escapedClip(result.error, 600)}`);
  const { feed, title, items } = result.value;
  const found = `${items} item${items === 1 ? '' : 's'}`;
  await interaction.editReply(
    textMessage(`Added: **${escapedClip(title ?? feed.name, 200)}** — ${found}, under topic ${feed.topic}. Its articles arrive with the next feed run; /sources shows how it is doing.`),
  );
}

async function remove(interaction: GuildInteraction, ctx: BotContext): Promise<void> {
  const url = interaction.options.getString('url', true);
  const removed = await ctx.app.removeGuildFeed(interaction.guildId, url);
  await interaction.reply(
    ephemeral(
      removed
        ? `Removed **${escapedClip(removed.name, 200)}**. Articles already fetched from it stay in the store.`
        : `This server does not follow ${code(url)}. \`/feeds list\` shows the feeds it does.`,
    ),
  );
}

async function list(interaction: GuildInteraction, ctx: BotContext): Promise<void> {
  const [first, ...rest] = guildFeedsMessage(await ctx.app.guildFeeds(interaction.guildId));
  await interaction.reply({ ...first!, flags: MessageFlags.Ephemeral });
  for (const message of rest) await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
}

const subcommands: Record<string, (interaction: GuildInteraction, ctx: BotContext) => Promise<void>> = { add, remove, list };

/**
 * `/feeds add|remove|list`: a server's own feeds, polled with FEEDS_FILE's. Hidden from members without Manage
 * Server by default, and checked again here, because a server can override a command's default permissions.
 */
export const feeds = {
  data: new SlashCommandBuilder()
    .setName('feeds')
    .setDescription("Add or remove this server's own news feeds (needs Manage Server)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription('Follow an RSS, Atom, RDF or JSON feed; it is fetched once now to check it')
        .addStringOption((option) => option.setName('url').setDescription('The feed address, e.g. https://example.com/rss.xml').setRequired(true).setMaxLength(2000))
        .addStringOption((option) => option.setName('topic').setDescription('The topic it covers').setAutocomplete(true))
        .addStringOption((option) => option.setName('name').setDescription("How /sources names it; default: the feed's own title").setMaxLength(100)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('remove')
        .setDescription('Stop following a feed this server added')
        .addStringOption((option) => option.setName('url').setDescription('The feed address, as /feeds list shows it').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((sub) => sub.setName('list').setDescription('The feeds this server added')),
  async execute(interaction, ctx) {
    if (!interaction.inGuild()) return sayPrivately(interaction, 'Feeds belong to a server: run /feeds in one.');
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return sayPrivately(interaction, NEEDS_MANAGE_SERVER);
    const run = subcommands[interaction.options.getSubcommand(true)];
    if (!run) throw new Error(`unknown /feeds subcommand ${interaction.options.getSubcommand(true)}`);
    await run(interaction, ctx);
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'topic') return topicChoices(interaction, ctx);
    if (focused.name !== 'url' || !interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return;
    const typed = focused.value.trim().toLowerCase();
    const choices = (await ctx.app.guildFeeds(interaction.guildId))
      .filter((feed) => feed.url.length <= MAX_CHOICE_CHARS) // a longer value cannot be offered; it can still be typed
      .filter((feed) => !typed || feed.url.toLowerCase().includes(typed) || feed.name.toLowerCase().includes(typed))
      .slice(0, MAX_CHOICES)
      .map((feed) => ({ name: clip(`${feed.name} — ${feed.url}`, MAX_CHOICE_CHARS), value: feed.url }));
    await interaction.respond(choices);
  },
} satisfies SlashCommand;
