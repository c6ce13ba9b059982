import { ApplicationCommandOptionType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { textMessage } from '../../render/discord-embeds.ts';
import type { SlashCommand } from '../command.ts';

const ABOUT =
  'I write dated briefs on a news beat from the articles I hold. Every point ends with numbered links to the ' +
  'sources it rests on, and the footer says how the brief was written and how recent its newest source is. ' +
  'I answer only from those sources: when they do not cover a question, I say so.';

/** `/brief topic:<topic> [since] [until] [focus]` or `/feeds add|remove|list`, from the registered definition so it never drifts. */
function usage(command: SlashCommand): string {
  const json = command.data.toJSON();
  const subcommands = (json.options ?? []).filter((option) => option.type === ApplicationCommandOptionType.Subcommand);
  if (subcommands.length > 0) return `\`/${json.name} ${subcommands.map((option) => option.name).join('|')}\` — ${json.description}`;
  const options = (json.options ?? []).map((option) => {
    const typed = option.type === ApplicationCommandOptionType.String ? `${option.name}:<${option.name}>` : option.name;
    return 'required' in option && option.required ? typed : `[${option.name}]`;
  });
  return `\`/${[json.name, ...options].join(' ')}\` — ${json.description}`;
}

export const help = {
  data: new SlashCommandBuilder().setName('help').setDescription('What this bot does and how to use its commands'),
  async execute(interaction, ctx) {
    const lines = [
      ABOUT,
      '',
      ...ctx.commands.map(usage),
      '',
      'Under every brief, **Sources** lists each source with the passage cited, and **Ask a follow-up** answers your question in a thread.',
    ];
    await interaction.reply({ ...textMessage(lines.join('\n')), flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
