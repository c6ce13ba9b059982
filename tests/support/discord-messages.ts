// Message objects as Discord returns them, the checks every message payload passes, and GET/PATCH/DELETE of one
// stored message. Shared by the interaction routes, the channel routes and the interaction builders.
import { messageProblems, mentionProblems } from './discord-limits.ts';
import { invalid, requestLabel } from './discord-replies.ts';
import { iso } from './discord-state.ts';
import type { DoubleState } from './discord-state.ts';
import { asJson } from './discord-types.ts';
import type { Json, RecordedFile, RecordedRequest, Reply } from './discord-types.ts';

/** POST creates a message in the channel; GET reads its history. */
export const CHANNEL_MESSAGES = /^\/channels\/(\d+)\/messages$/;
const MESSAGE_FIELDS = ['content', 'embeds', 'components', 'flags', 'tts', 'message_reference', 'poll'];

export function mergeMessage(message: Json, body: Json): Json {
  const picked = Object.fromEntries(MESSAGE_FIELDS.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]));
  return { ...message, ...picked };
}

/** A bot message in `channelId` carrying `body`'s message fields; interaction messages come from the app's webhook. */
export function newMessage(state: DoubleState, channelId: string, body: Json, fromInteraction: boolean, files: RecordedFile[] = []): Json {
  const base: Json = {
    id: state.snowflake(), channel_id: channelId, guild_id: state.guildOf(channelId), type: 0, author: state.botUser, content: '',
    embeds: [], components: [], attachments: [], mentions: [], mention_roles: [], mention_everyone: false,
    pinned: false, tts: false, timestamp: iso(), edited_timestamp: null, flags: 0,
    ...(fromInteraction ? { webhook_id: state.appId, application_id: state.appId } : {}),
  };
  const message = mergeMessage(base, body);
  if (files.length > 0) message.attachments = attachments(state, channelId, files);
  return message;
}

function attachments(state: DoubleState, channelId: string, files: RecordedFile[]): Json[] {
  return files.map((file) => {
    const id = state.snowflake();
    const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${file.name}`; // never fetched by discord.js
    return { id, filename: file.name, size: file.bytes.length, content_type: file.contentType, url, proxy_url: url };
  });
}

/** A copy of `message` that carries `nonce`, as Discord echoes it on the create that sent one. */
export const withNonce = (message: Json | undefined, nonce: string | number | undefined): Json =>
  ({ ...message, ...(nonce === undefined ? {} : { nonce }) });

/** Records problems (a missing `allowed_mentions` only as a violation); returns false when Discord would reject. */
export function checkMessage(state: DoubleState, where: string, body: unknown, { create }: { create: boolean }): boolean {
  const payload = asJson(body);
  state.record(where, mentionProblems(payload));
  return state.check(where, messageProblems(payload, { create }));
}

/** The `save` for a message kept in `state.messages` under `id`: a new version replaces it, none deletes it. */
export const savedIn = (state: DoubleState, id: string) => (next?: Json) => {
  if (next) state.messages.set(id, next); else state.messages.delete(id);
};

/** GET, PATCH (checked, then merged) or DELETE one stored message. */
export function messageAction(state: DoubleState, req: RecordedRequest, message: Json, save: (next?: Json) => void): Reply {
  if (req.method === 'GET') return { status: 200, body: message };
  if (req.method === 'DELETE') { save(); return { status: 204 }; }
  if (!checkMessage(state, requestLabel(req), req.body, { create: false })) return invalid();
  const next: Json = { ...mergeMessage(message, asJson(req.body)), edited_timestamp: iso() };
  if (req.files.length > 0) next.attachments = attachments(state, String(message.channel_id), req.files);
  save(next);
  return { status: 200, body: next };
}
