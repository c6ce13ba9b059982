import { ActionRowBuilder, ButtonBuilder, ButtonStyle, LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';

/**
 * Custom ids are the only state a button or modal carries. Both buttons find their brief by the message
 * they are on; the modal carries that message's id, because a modal submit may arrive without the message.
 */
export const CUSTOM_IDS = {
  sources: 'brief:sources',
  followUp: 'brief:follow-up',
  /** `brief:follow-up-modal:<message id>` */
  followUpModalPrefix: 'brief:follow-up-modal:',
  questionInput: 'question',
} as const;

/** Discord allows up to 4000 characters in a text input; a question needs far fewer. */
export const MAX_QUESTION_CHARS = 500;

/** "Sources" (an ephemeral full list) and "Ask a follow-up" (a modal), under every brief and answer. */
export function briefButtons() {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(CUSTOM_IDS.sources).setLabel('Sources').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(CUSTOM_IDS.followUp).setLabel('Ask a follow-up').setStyle(ButtonStyle.Primary),
  );
}

export function followUpModal(messageId: string) {
  return new ModalBuilder()
    .setCustomId(`${CUSTOM_IDS.followUpModalPrefix}${messageId}`)
    .setTitle('Ask a follow-up')
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Your question')
        .setDescription('Answered from the same sources, in a thread under the brief.')
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(CUSTOM_IDS.questionInput)
            .setStyle(TextInputStyle.Paragraph)
            .setMinLength(3)
            .setMaxLength(MAX_QUESTION_CHARS)
            .setPlaceholder('e.g. What did Beijing say about sanctions?')
            .setRequired(true),
        ),
    );
}

/** The brief message id a follow-up modal was opened for, or undefined for any other custom id. */
export function followUpModalMessageId(customId: string): string | undefined {
  if (!customId.startsWith(CUSTOM_IDS.followUpModalPrefix)) return undefined;
  const id = customId.slice(CUSTOM_IDS.followUpModalPrefix.length);
  return /^\d{1,20}$/.test(id) ? id : undefined;
}
