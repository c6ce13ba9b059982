import type { AutocompleteInteraction } from 'discord.js';
import type { BotContext } from '../command.ts';

/** Discord shows at most 25 choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;

/** Autocomplete for a `topic` option: topics whose slug or title contains what was typed. */
export async function topicChoices(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = interaction.options.getFocused().trim().toLowerCase();
  const choices = ctx.app.topics
    .filter((topic) => !typed || topic.slug.includes(typed) || topic.title.toLowerCase().includes(typed))
    .slice(0, MAX_CHOICES)
    .map((topic) => ({ name: `${topic.title} (${topic.slug})`.slice(0, 100), value: topic.slug }));
  await interaction.respond(choices);
}
