import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';

/** The permissions the bot relies on, with the names Discord's settings show. */
const NAMES = {
  ViewChannel: 'View Channel',
  SendMessages: 'Send Messages',
  EmbedLinks: 'Embed Links',
  CreatePublicThreads: 'Create Public Threads',
  SendMessagesInThreads: 'Send Messages in Threads',
} as const;
export type Needed = keyof typeof NAMES;

/** Posting a brief or an answer (an embed) in a channel. */
export const POST_IN_CHANNEL: readonly Needed[] = ['ViewChannel', 'SendMessages', 'EmbedLinks'];
/** Posting an answer inside a thread. */
export const POST_IN_THREAD: readonly Needed[] = ['ViewChannel', 'SendMessagesInThreads', 'EmbedLinks'];
/** Starting a follow-up thread on a brief and answering in it. */
export const START_THREAD: readonly Needed[] = ['ViewChannel', 'CreatePublicThreads', 'SendMessagesInThreads', 'EmbedLinks'];

/** The display names of the permissions in `needed` that `granted` lacks, in the order listed. */
export function missingPermissions(granted: Readonly<PermissionsBitField>, needed: readonly Needed[]): string[] {
  return needed.filter((name) => !granted.has(PermissionFlagsBits[name], true)).map((name) => NAMES[name]);
}

/** The sentence a member sees; names every missing permission so an admin can fix it in one go. */
export function missingPermissionsText(missing: readonly string[]): string {
  const list = missing.map((name) => `**${name}**`);
  const named = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  return `I can't do that in this channel: I'm missing the ${named} permission${missing.length === 1 ? '' : 's'} here. Ask a server admin to grant ${missing.length === 1 ? 'it' : 'them'} to my role or in this channel's settings.`;
}
