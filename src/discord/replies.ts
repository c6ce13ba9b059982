import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { textMessage } from '../render/discord-embeds.ts';

/** A plain message only the member who asked can see. */
export const ephemeral = (content: string) => ({ ...textMessage(content), flags: MessageFlags.Ephemeral as const });

/**
 * Deferred replies that were edited only to say where the request stands ("Queued for the model — …"). For
 * sayPrivately they are still a placeholder, like "thinking…", although discord.js counts them as replied.
 */
const placeholders = new WeakSet<RepliableInteraction>();

/** The deferred reply now shows progress, not an answer. */
export const markPlaceholder = (interaction: RepliableInteraction): void => void placeholders.add(interaction);

/** The deferred reply now shows the answer. */
export const clearPlaceholder = (interaction: RepliableInteraction): void => void placeholders.delete(interaction);

/**
 * Tells the member privately, whatever state the interaction is in (STYLE 3.4). A public "thinking…" reply (or
 * queue notice) is deleted first: the first follow-up after a defer would otherwise replace it and stay public.
 * When one route fails (say Discord answers 500), the next one is tried.
 */
export async function sayPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = ephemeral(content);
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(message);
    return;
  }
  const placeholder = interaction.deferred && (!interaction.replied || placeholders.has(interaction));
  placeholders.delete(interaction);
  if (placeholder && interaction.ephemeral) {
    try {
      await interaction.editReply({ content: message.content, embeds: [], components: [], allowedMentions: message.allowedMentions });
      return;
    } catch {
      // fall through to a follow-up
    }
  }
  if (placeholder && !interaction.ephemeral) await interaction.deleteReply().catch(() => undefined);
  try {
    await interaction.followUp(message);
  } catch (err) {
    if (interaction.replied) throw err;
    await interaction.editReply({ content: message.content, embeds: [], components: [], allowedMentions: message.allowedMentions });
  }
}
