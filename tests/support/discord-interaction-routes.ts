// REST routes of an interaction: the callback that acknowledges it, `@original`, and the webhook's follow-ups.
// None of them carries an Authorization header; the interaction token in the path is the credential.
import { choiceProblems, componentProblems, over } from './discord-limits.ts';
import { checkMessage, mergeMessage, messageAction, newMessage, savedIn } from './discord-messages.ts';
import { error, invalid, requestLabel, unknownInteraction, unknownMessage, unknownWebhook } from './discord-replies.ts';
import type { DoubleState } from './discord-state.ts';
import { asJson } from './discord-types.ts';
import type { RecordedRequest, Reply, Route } from './discord-types.ts';

export function interactionRoutes(state: DoubleState): Route[] {
  const webhook = String.raw`/webhooks/(\d+)/([^/]+)`;
  return [
    ['POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, (req, id, token) => callback(state, req, id, token)],
    ['GET|PATCH|DELETE', new RegExp(`^${webhook}/messages/@original$`), (req, app, token) => original(state, req, app, token)],
    ['POST', new RegExp(`^${webhook}$`), (req, app, token) => followUp(state, req, app, token)],
    ['GET|PATCH|DELETE', new RegExp(`^${webhook}/messages/(\\d+)$`), (req, app, token, id) => webhookMessage(state, req, app, token, id)],
  ];
}

function callback(state: DoubleState, req: RecordedRequest, id: string, token: string): Reply {
  const ix = state.interactions.get(token);
  if (!ix || ix.id !== id) return unknownInteraction();
  if (ix.callbackType !== undefined) return error(400, 40060, 'Interaction has already been acknowledged.');
  if (state.options.ackWindowMs !== undefined && req.at - ix.sentAt > state.options.ackWindowMs) return unknownInteraction();
  const body = asJson(req.body);
  const type = Number(body.type);
  const data = asJson(body.data);
  const where = `${requestLabel(req)} (type ${type})`;
  if (type === 4 || type === 7) { if (!checkMessage(state, where, data, { create: type === 4 })) return invalid(); }
  if (type === 8 && !state.check(where, choiceProblems(data.choices))) return invalid();
  if (type === 9 && !state.check(where, [...over('title', data.title, 45), ...componentProblems(data.components)])) return invalid();

  ix.callbackType = type;
  ix.ackedAt = req.at;
  // 4/5 create the reply that `@original` names; 6/7 make it the message the component is on. A modal (9)
  // creates no message, so `@original` stays 404 until the modal submit's own interaction is answered.
  if (type === 4 || type === 5) ix.original = newMessage(state, ix.channelId, type === 4 ? data : { flags: data.flags }, true);
  if ((type === 6 || type === 7) && ix.message) ix.original = type === 7 ? mergeMessage(ix.message, data) : ix.message;
  if (req.query.get('with_response') !== 'true') return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id, type: ix.type, response_message_id: ix.original?.id, response_message_loading: type === 5,
        response_message_ephemeral: (Number(data.flags) & 64) === 64,
      },
      resource: { type, ...(type === 4 || type === 7 ? { message: ix.original } : {}) },
    },
  };
}

function original(state: DoubleState, req: RecordedRequest, app: string, token: string): Reply {
  const ix = state.interactions.get(token);
  if (app !== state.appId || !ix) return unknownWebhook();
  if (!ix.original) return unknownMessage();
  return messageAction(state, req, ix.original, (next) => { if (next) ix.original = next; else delete ix.original; });
}

function followUp(state: DoubleState, req: RecordedRequest, app: string, token: string): Reply {
  if (app !== state.appId || !state.interactions.has(token)) return unknownWebhook();
  if (!checkMessage(state, requestLabel(req), req.body, { create: true })) return invalid();
  const channelId = state.interactions.get(token)?.channelId ?? state.channelId;
  const message = newMessage(state, channelId, asJson(req.body), true, req.files);
  state.messages.set(String(message.id), message);
  return req.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
}

function webhookMessage(state: DoubleState, req: RecordedRequest, app: string, token: string, id: string): Reply {
  const message = state.messages.get(id);
  if (app !== state.appId || !state.interactions.has(token)) return unknownWebhook();
  if (!message) return unknownMessage();
  return messageAction(state, req, message, savedIn(state, id));
}
