// REST routes under /channels: message create (with nonces), history, one message, threads and the channel itself.
import { compareIds } from './discord-ids.ts';
import { nonceProblems } from './discord-limits.ts';
import { CHANNEL_MESSAGES, checkMessage, messageAction, newMessage, savedIn, withNonce } from './discord-messages.ts';
import { invalid, requestLabel, unknownChannel, unknownMessage } from './discord-replies.ts';
import type { DoubleState, LoggedMessage } from './discord-state.ts';
import { asJson } from './discord-types.ts';
import type { Json, RecordedRequest, Reply, Route } from './discord-types.ts';

const NONCE_WINDOW_MS = 5 * 60_000; // Discord's documented "past few minutes"

export function channelRoutes(state: DoubleState): Route[] {
  return [
    ['POST', CHANNEL_MESSAGES, (req, cid) => createMessage(state, req, cid)],
    ['GET', CHANNEL_MESSAGES, (req, cid) => history(state, req, cid)],
    ['GET|PATCH|DELETE', /^\/channels\/(\d+)\/messages\/(\d+)$/, (req, cid, mid) => channelMessage(state, req, cid, mid)],
    ['POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, (req, cid, mid) => startThread(state, req, cid, mid)],
    ['POST', /^\/channels\/(\d+)\/threads$/, (req, cid) => startThread(state, req, cid, state.snowflake())],
    ['GET', /^\/channels\/(\d+)$/, (_req, cid) => {
      const channel = state.channels.get(cid);
      return channel ? { status: 200, body: channel } : unknownChannel();
    }],
  ];
}

/**
 * Creates a message, except that with `enforce_nonce: true` a nonce this channel saw within `nonceWindowMs` answers
 * 200 with the message it created, as Discord does; discord.js sends `enforce_nonce: false` unless told otherwise.
 */
function createMessage(state: DoubleState, req: RecordedRequest, cid: string): Reply {
  if (!state.channels.has(cid)) return unknownChannel();
  const body = asJson(req.body);
  const where = requestLabel(req);
  const sent = body.nonce ?? undefined;
  if (!state.check(where, nonceProblems(sent))) return invalid();
  if (!checkMessage(state, where, req.body, { create: true })) return invalid();
  const nonce = typeof sent === 'string' || typeof sent === 'number' ? sent : undefined;
  const key = nonce === undefined ? undefined : `${cid} ${nonce}`;
  const seen = key === undefined ? undefined : state.nonces.get(key);
  const windowMs = state.options.nonceWindowMs ?? NONCE_WINDOW_MS;
  if (body.enforce_nonce === true && seen && state.now() - seen.createdAt <= windowMs && state.messages.has(seen.id)) {
    return { status: 200, body: withNonce(state.messages.get(seen.id), seen.nonce) };
  }
  const message = newMessage(state, cid, body, false, req.files);
  state.messages.set(String(message.id), message);
  const logged: LoggedMessage = { channelId: cid, id: String(message.id), createdAt: state.now(), created: message, ...(nonce === undefined ? {} : { nonce }) };
  state.channelLog.push(logged);
  if (key !== undefined) state.nonces.set(key, logged);
  return { status: 200, body: withNonce(message, nonce) };
}

/**
 * GET /channels/{id}/messages: newest first, `limit` 1–100 (default 50), then `before` or `after` (the `limit`
 * messages right after it, still newest first). Ephemeral replies are left out; Discord does not keep nonces.
 */
function history(state: DoubleState, req: RecordedRequest, cid: string): Reply {
  if (!state.channels.has(cid)) return unknownChannel();
  const limit = Number(req.query.get('limit') ?? 50);
  if (!state.check(requestLabel(req), Number.isInteger(limit) && limit >= 1 && limit <= 100 ? [] : [`limit ${req.query.get('limit')} is not an integer from 1 to 100`])) return invalid();
  const byId = new Map<string, Json>();
  for (const message of [...state.messages.values(), ...[...state.interactions.values()].flatMap((ix) => (ix.original ? [ix.original] : []))]) {
    if (message.channel_id === cid && (Number(message.flags ?? 0) & 64) === 0) byId.set(String(message.id), message);
  }
  const newestFirst = [...byId.values()].sort((a, b) => compareIds(String(b.id), String(a.id)));
  const before = req.query.get('before');
  const after = req.query.get('after');
  const page = before !== null ? newestFirst.filter((m) => compareIds(String(m.id), before) < 0).slice(0, limit)
    : after !== null ? newestFirst.filter((m) => compareIds(String(m.id), after) > 0).slice(-limit)
    : newestFirst.slice(0, limit);
  return { status: 200, body: page };
}

function channelMessage(state: DoubleState, req: RecordedRequest, cid: string, mid: string): Reply {
  const message = state.messages.get(mid);
  if (!message || message.channel_id !== cid) return unknownMessage();
  return messageAction(state, req, message, savedIn(state, mid));
}

function startThread(state: DoubleState, req: RecordedRequest, cid: string, id: string): Reply {
  if (!state.channels.has(cid)) return unknownChannel();
  const body = asJson(req.body);
  return { status: 201, body: state.threadChannel(id, cid, { name: body.name, type: body.type ?? 11, owner_id: state.appId }) };
}
