// The double's REST routes, in the order they are tried: GET /gateway/bot, the interaction routes, the channel
// routes, then application commands (PUT stores and echoes them; GET lists what was stored).
import { interactionRoutes } from './discord-interaction-routes.ts';
import { channelRoutes } from './discord-channel-routes.ts';
import { error } from './discord-replies.ts';
import type { DoubleState } from './discord-state.ts';
import { isJson } from './discord-types.ts';
import type { RecordedRequest, Reply, Route } from './discord-types.ts';

export function defaultRoutes(state: DoubleState, gatewayUrl: () => string): Route[] {
  return [
    ['GET', /^\/gateway\/bot$/, () => gatewayBot(state, gatewayUrl())],
    ...interactionRoutes(state),
    ...channelRoutes(state),
    ['PUT', /^\/applications\/(\d+)\/commands$/, (req, app) => putCommands(state, req, app, 'global')],
    ['PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, (req, app, gid) => putCommands(state, req, app, gid)],
    ['GET', /^\/applications\/(\d+)\/commands$/, () => ({ status: 200, body: state.commands.get('global') ?? [] })],
    ['GET', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, (_req, _app, gid) => ({ status: 200, body: state.commands.get(gid) ?? [] })],
  ];
}

function gatewayBot(state: DoubleState, url: string): Reply {
  // remaining must cover the shard count; reset_after doubles as the client's cache time for this answer.
  const shards = state.options.shards ?? 1;
  const limit = { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: state.options.maxConcurrency ?? shards };
  return { status: 200, body: { url, shards, session_start_limit: limit } };
}

function putCommands(state: DoubleState, req: RecordedRequest, app: string, scope: string): Reply {
  if (app !== state.appId) return error(403, 50001, 'Missing Access');
  const list = Array.isArray(req.body) ? req.body.filter(isJson) : [];
  const saved = list.map((command) => ({
    type: 1, ...command, id: state.snowflake(), application_id: state.appId, version: state.snowflake(),
    ...(scope === 'global' ? {} : { guild_id: scope }),
  }));
  state.commands.set(scope, saved);
  return { status: 200, body: saved };
}
