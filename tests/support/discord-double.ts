// A loopback fake of Discord: REST and the gateway WebSocket on one 127.0.0.1 port.
// The real, unmodified discord.js Client logs into it (`rest: { api: double.apiBase }`),
// so tests assert on the HTTP requests the bot makes instead of mocking discord.js.
// What discord.js 14.28 needs from it, each observed by running the client: READY with user/guilds/application,
// GUILD_CREATE straight after, heartbeat acks, `entitlements` and `authorizing_integration_owners` in
// INTERACTION_CREATE, `%40original` in paths, and a Retry-After header on every 429.
// Teardown order: `await client.destroy()`, then `await double.stop()`.
import { once } from 'node:events';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PermissionFlagsBits } from 'discord.js';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';

export interface RecordedRequest {
  method: string;
  /** Decoded (`@original`, not `%40original`), without `/api/v10`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON; for multipart, the parsed `payload_json`. Undefined when there is no body. */
  body: unknown;
  /** Files of a multipart request, in form order. */
  files: RecordedFile[];
  /** performance.now() when the request had been read. */
  at: number;
  /** The status the double answered with. */
  status: number;
}
export interface RecordedFile { field: string; name: string; contentType: string; bytes: Buffer }

export interface Fault {
  match: (req: RecordedRequest) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many more requests this fault answers; it is removed at 0. */
  times: number;
}

export interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
/** `method` may list several, as in 'GET|PATCH'. Handlers receive the regex's capture groups as extra arguments. */
export type Route = [method: string, pattern: RegExp, handler: (req: RecordedRequest, ...params: string[]) => Reply];

export type Json = Record<string, unknown>;
/** An application command option as Discord sends it (type 3 string, 4 integer, 5 boolean, 10 number, 1 subcommand). */
export interface CommandOption { name: string; type: number; value?: string | number | boolean; focused?: boolean; options?: CommandOption[] }
/** A record is shorthand: strings become type 3, booleans 5, integers 4, other numbers 10. */
export type CommandOptions = CommandOption[] | Record<string, string | number | boolean>;

export interface InteractionExtras {
  userId?: string;
  channelId?: string;
  /** Replaces the channel object, e.g. `double.thread()`. An unknown thread is announced with THREAD_CREATE first. */
  channel?: Json;
  /** Permission bitfields as decimal strings. */
  appPermissions?: string;
  memberPermissions?: string;
}
export interface SentInteraction { id: string; token: string; sentAt: number }

export interface DoubleOptions {
  guildId?: string;
  channelId?: string;
  /** Decimal bitfield for the bot's role; also the default `app_permissions`. */
  botPermissions?: string;
  /** When set, IDENTIFY with another token is closed with 4004, so `login()` rejects with "Authentication failed". */
  token?: string;
  /** Answer limit violations with 400 50035 as Discord does. Default true; missing allowed_mentions is only recorded. */
  rejectInvalid?: boolean;
  /** Simulate Discord's acknowledgement window: a later first callback gets 404 10062. Default: no window. */
  ackWindowMs?: number;
}

interface InteractionState extends SentInteraction {
  type: number;
  channelId: string;
  callbackType?: number;
  ackedAt?: number;
  original?: Json;
  /** The message a component was clicked on; `@original` for update callbacks (6/7). */
  message?: Json;
}

const DISCORD_EPOCH = 1420070400000n;
const DEFAULT_BOT_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads,
);
// An ordinary member, not an admin, so permission checks in commands are exercised by default.
const DEFAULT_MEMBER_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.SendMessagesInThreads,
);
const THREAD_TYPES = new Set([10, 11, 12]);

export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const error = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
const iso = () => new Date().toISOString();

export class DiscordDouble {
  readonly requests: RecordedRequest[] = [];
  readonly gatewayIn: unknown[] = [];
  /** Broken Discord limits and missing `allowed_mentions: { parse: [] }`; expect it to be [] after each test. */
  readonly violations: string[] = [];
  /** Requests no route matched (answered 404 code 0): a gap in the double or a wrong route in the bot. */
  readonly unmatched: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly routes: Route[];
  apiBase = '';
  gatewayUrl = '';
  readonly guildId: string;
  readonly channelId: string;
  readonly appId: string;
  readonly botUser: Json;
  readonly botPermissions: string;

  private readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      this.violations.push(`the double failed on ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | undefined;
  private sessionId = '';
  private seq = 0;
  private lastSnowflake = 0n;
  private readonly channels = new Map<string, Json>();
  private readonly messages = new Map<string, Json>();
  private readonly interactions = new Map<string, InteractionState>(); // by token
  private readonly commands = new Map<string, Json[]>(); // 'global' or a guild id
  private readonly waiters = new Set<{ check: () => boolean; cancel: () => void }>();

  private constructor(private readonly options: DoubleOptions) {
    this.appId = this.snowflake();
    this.guildId = options.guildId ?? this.snowflake();
    this.channelId = options.channelId ?? this.snowflake();
    this.botPermissions = options.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    this.botUser = { id: this.appId, username: 'briefing-bot', discriminator: '0000', global_name: null, avatar: null, bot: true, flags: 0 };
    this.channels.set(this.channelId, {
      id: this.channelId, type: 0, guild_id: this.guildId, name: 'briefings', position: 0, permission_overwrites: [],
      parent_id: null, nsfw: false, rate_limit_per_user: 0, topic: null, last_message_id: null,
    });
    this.routes = this.defaultRoutes();
  }

  static async start(options: DoubleOptions = {}): Promise<DiscordDouble> {
    const double = new DiscordDouble(options);
    double.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/gateway') return void socket.destroy();
      double.wss.handleUpgrade(req, socket, head, (ws) => double.onConnection(ws));
    });
    await once(double.server.listen(0, '127.0.0.1'), 'listening');
    const { port } = double.server.address() as AddressInfo;
    double.apiBase = `http://127.0.0.1:${port}/api`;
    double.gatewayUrl = `ws://127.0.0.1:${port}/gateway`; // no trailing slash: the client appends `?v=10…`
    return double;
  }

  /** Call after `client.destroy()`; an unanswered request cannot block it. */
  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
    for (const waiter of [...this.waiters]) waiter.cancel();
  }

  // ---- gateway -------------------------------------------------------------

  sendDispatch(t: string, d: unknown): number {
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN || !this.sessionId) {
      throw new Error(`sendDispatch(${t}): no identified gateway session; await Events.ClientReady (or Events.ShardResume) first`);
    }
    this.seq += 1;
    socket.send(JSON.stringify({ op: 0, t, s: this.seq, d }));
    return performance.now();
  }

  /** 4000/4009 make discord.js RESUME after ~0.5 s; 1000/4007 re-IDENTIFY after 5–6 s. */
  closeGateway(code: number, reason = ''): void {
    this.socket?.close(code, reason);
  }

  private onConnection(ws: WebSocket): void {
    this.socket = ws;
    ws.on('message', (raw) => this.onFrame(ws, raw));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
  }

  private onFrame(ws: WebSocket, raw: RawData): void {
    const frame = parseJson(String(raw));
    this.gatewayIn.push(frame);
    if (!isJson(frame)) return;
    const d = isJson(frame.d) ? frame.d : {};
    if (frame.op === 1) ws.send(JSON.stringify({ op: 11 })); // unacked heartbeats make the client reconnect
    if (frame.op === 2) {
      if (this.options.token !== undefined && d.token !== this.options.token) return void ws.close(4004, 'Authentication failed.');
      this.sessionId = `session-${this.snowflake()}`;
      this.seq = 0;
      this.sendDispatch('READY', {
        v: 10, user: this.botUser, guilds: [{ id: this.guildId, unavailable: true }], session_id: this.sessionId,
        resume_gateway_url: this.gatewayUrl, shard: [0, 1], application: { id: this.appId, flags: 0 },
      });
      // Listed as unavailable in READY and delivered at once, so clientReady fires with the guild cached.
      this.sendDispatch('GUILD_CREATE', this.guild());
    }
    if (frame.op === 6) {
      if (d.session_id !== this.sessionId) return void ws.send(JSON.stringify({ op: 9, d: false }));
      this.sendDispatch('RESUMED', {});
    }
  }

  private guild(): Json {
    const botRole = {
      id: this.snowflake(), name: 'briefing-bot', color: 0, hoist: false, position: 1, permissions: this.botPermissions,
      managed: true, mentionable: false, flags: 0,
    };
    const everyone = { ...botRole, id: this.guildId, name: '@everyone', position: 0, permissions: '0', managed: false };
    const all = [...this.channels.values()];
    return {
      id: this.guildId, name: 'Briefing Test Guild', unavailable: false, owner_id: this.snowflake(), features: [],
      roles: [everyone, botRole], channels: all.filter((c) => !THREAD_TYPES.has(Number(c.type))),
      threads: all.filter((c) => THREAD_TYPES.has(Number(c.type))),
      members: [{ user: this.botUser, roles: [botRole.id], joined_at: iso(), deaf: false, mute: false, flags: 0 }],
      emojis: [], stickers: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
      member_count: 2, large: false, joined_at: iso(), preferred_locale: 'en-US',
    };
  }

  // ---- interactions --------------------------------------------------------

  chatInput(name: string, options: CommandOptions = [], extras: InteractionExtras = {}): SentInteraction {
    return this.interaction(2, { id: this.snowflake(), name, type: 1, options: toOptions(options) }, extras);
  }

  /** The option named `focused` (default: the first) carries `focused: true`; Discord sends its partial text. */
  autocomplete(name: string, options: CommandOptions, extras: InteractionExtras & { focused?: string } = {}): SentInteraction {
    const list = toOptions(options);
    const focused = extras.focused ?? list[0]?.name;
    const marked = list.map((option) => (option.name === focused ? { ...option, focused: true } : option));
    return this.interaction(4, { id: this.snowflake(), name, type: 1, options: marked }, extras);
  }

  /** `message` is the message the button is on; missing fields get defaults (a bot message in the channel). */
  button(customId: string, message: Json = {}, extras: InteractionExtras = {}): SentInteraction {
    return this.interaction(3, { custom_id: customId, component_type: 2 }, extras, { message: this.componentMessage(message, extras) });
  }

  /** Fields arrive as action rows of text inputs; pass `message` when the modal was opened from a component. */
  modalSubmit(customId: string, fields: Record<string, string>, message?: Json, extras: InteractionExtras = {}): SentInteraction {
    const components = Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
    const more = message ? { message: this.componentMessage(message, extras) } : {};
    return this.interaction(5, { custom_id: customId, components }, extras, more);
  }

  /**
   * A public thread under the test channel. It is sent to the client (in GUILD_CREATE, or as THREAD_CREATE once
   * connected) so that `interaction.channel.isThread()` works; pass it as `{ channel: double.thread() }`.
   */
  thread(overrides: Json = {}): Json {
    const id = typeof overrides.id === 'string' ? overrides.id : this.snowflake();
    const thread = this.threadChannel(id, this.channelId, { name: 'briefing thread', ...overrides });
    if (this.sessionId) this.sendDispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  /** Round-trip times (ms) from writing INTERACTION_CREATE to the first 2xx callback, in dispatch order. */
  ackLatencies(): number[] {
    return [...this.interactions.values()].flatMap((ix) => (ix.ackedAt === undefined ? [] : [ix.ackedAt - ix.sentAt]));
  }

  /** Interactions that never received a successful callback. */
  unacknowledged(): SentInteraction[] {
    return [...this.interactions.values()].filter((ix) => ix.ackedAt === undefined).map(({ id, token, sentAt }) => ({ id, token, sentAt }));
  }

  private interaction(type: number, data: Json, extras: InteractionExtras, more: Json = {}): SentInteraction {
    const channelId = this.channelOf(extras);
    const channel = extras.channel ?? this.channels.get(channelId) ?? { id: channelId, type: 0, guild_id: this.guildId };
    // Without Partials.Channel, discord.js resolves `interaction.channel` only from its cache.
    if (THREAD_TYPES.has(Number(channel.type)) && !this.channels.has(channelId)) {
      this.channels.set(channelId, channel);
      this.sendDispatch('THREAD_CREATE', { ...channel, newly_created: true });
    }
    const id = this.snowflake();
    const token = `itok-${id}`;
    const user = { id: extras.userId ?? '200000000000000001', username: 'analyst', discriminator: '0', global_name: 'Analyst', avatar: null };
    const permissions = extras.memberPermissions ?? DEFAULT_MEMBER_PERMISSIONS;
    const sentAt = this.sendDispatch('INTERACTION_CREATE', {
      id, application_id: this.appId, type, token, version: 1, guild_id: this.guildId, channel_id: channelId, channel,
      member: { user, roles: [], joined_at: iso(), permissions, deaf: false, mute: false, flags: 0 },
      app_permissions: extras.appPermissions ?? this.botPermissions, locale: 'en-US', guild_locale: 'en-US',
      // Both are required: without them discord.js drops the interaction with an unhandled rejection.
      entitlements: [], authorizing_integration_owners: { '0': this.guildId }, context: 0, data, ...more,
    });
    const message = isJson(more.message) ? more.message : undefined;
    this.interactions.set(token, { id, token, sentAt, type, channelId, ...(message ? { message } : {}) });
    return { id, token, sentAt };
  }

  private componentMessage(message: Json, extras: InteractionExtras): Json {
    const full = { ...this.message(this.channelOf(extras), {}, false), ...message };
    this.messages.set(String(full.id), full); // so `interaction.message.edit()` finds it
    return full;
  }

  private channelOf(extras: InteractionExtras): string {
    return extras.channelId ?? (typeof extras.channel?.id === 'string' ? extras.channel.id : this.channelId);
  }

  // ---- REST ----------------------------------------------------------------

  /** Answers the next `times` (default 1) matching requests with `status`, before any route runs. */
  addFault(match: Fault['match'], status: number, options: Partial<Omit<Fault, 'match' | 'status'>> = {}): Fault {
    const fault: Fault = { match, status, ...options, times: options.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  /** Routes added here take precedence over the defaults. */
  addRoute(method: string, pattern: RegExp, handler: Route[2]): void {
    this.routes.unshift([method, pattern, handler]);
  }

  waitForRequest(predicate: (req: RecordedRequest) => boolean, timeoutMs = 5000, fromIndex = 0): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        const seen = this.requests.map((r, i) => `  ${i}: ${r.method} ${r.path} -> ${r.status}`).join('\n') || '  (none)';
        reject(new Error(`waitForRequest: ${why} (from index ${fromIndex}). Requests seen:\n${seen}`));
      };
      const waiter = {
        check: () => {
          const found = this.requests.slice(fromIndex).find(predicate);
          if (found) { cleanup(); resolve(found); }
          return found !== undefined;
        },
        cancel: () => fail('the double was stopped'),
      };
      const timer = setTimeout(() => fail(`no match within ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      if (!waiter.check()) this.waiters.add(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // discord.js percent-encodes `@original` as `%40original`; decode per segment before matching.
    const decoded = url.pathname.split('/').map((segment) => decodeURIComponent(segment)).join('/');
    const { body, files } = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET', path: decoded.replace(/^\/api\/v10(?=\/)/, ''), query: url.searchParams,
      headers: req.headers, body, files, at: performance.now(), status: 0,
    };
    const reply = this.reply(record);
    record.status = reply.status;
    this.requests.push(record);
    for (const waiter of [...this.waiters]) waiter.check();
    const payload = reply.status === 204 || reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
    res.end(payload);
  }

  private reply(req: RecordedRequest): Reply {
    const fault = this.faults.find((candidate) => candidate.times > 0 && candidate.match(req));
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      // Discord always sends Retry-After on 429; without it discord.js retries at once, endlessly.
      const hasRetryAfter = Object.keys(fault.headers ?? {}).some((name) => name.toLowerCase() === 'retry-after');
      const retry: Record<string, string> = fault.status === 429 && !hasRetryAfter ? { 'Retry-After': '0' } : {};
      const body = fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error', code: 0 };
      return { status: fault.status, headers: { ...retry, ...fault.headers }, body };
    }
    for (const [methods, pattern, handler] of this.routes) {
      const match = methods.split('|').includes(req.method) ? pattern.exec(req.path) : null;
      if (match) return handler(req, ...match.slice(1));
    }
    this.unmatched.push(req);
    return error(404, 0, '404: Not Found');
  }

  private defaultRoutes(): Route[] {
    const webhook = String.raw`/webhooks/(\d+)/([^/]+)`;
    return [
      ['GET', /^\/gateway\/bot$/, () => this.gatewayBot()],
      ['POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, (req, id, token) => this.callback(req, id, token)],
      ['GET|PATCH|DELETE', new RegExp(`^${webhook}/messages/@original$`), (req, app, token) => this.original(req, app, token)],
      ['POST', new RegExp(`^${webhook}$`), (req, app, token) => this.followUp(req, app, token)],
      ['GET|PATCH|DELETE', new RegExp(`^${webhook}/messages/(\\d+)$`), (req, app, token, id) => this.webhookMessage(req, app, token, id)],
      ['POST', /^\/channels\/(\d+)\/messages$/, (req, cid) => this.createMessage(req, cid)],
      ['GET|PATCH|DELETE', /^\/channels\/(\d+)\/messages\/(\d+)$/, (req, cid, mid) => this.channelMessage(req, cid, mid)],
      ['POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, (req, cid, mid) => this.startThread(req, cid, mid)],
      ['POST', /^\/channels\/(\d+)\/threads$/, (req, cid) => this.startThread(req, cid, this.snowflake())],
      ['GET', /^\/channels\/(\d+)$/, (_req, cid) => {
        const channel = this.channels.get(cid);
        return channel ? { status: 200, body: channel } : error(404, 10003, 'Unknown Channel');
      }],
      ['PUT', /^\/applications\/(\d+)\/commands$/, (req, app) => this.putCommands(req, app, 'global')],
      ['PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, (req, app, gid) => this.putCommands(req, app, gid)],
      ['GET', /^\/applications\/(\d+)\/commands$/, () => ({ status: 200, body: this.commands.get('global') ?? [] })],
      ['GET', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, (_req, _app, gid) => ({ status: 200, body: this.commands.get(gid) ?? [] })],
    ];
  }

  private gatewayBot(): Reply {
    // remaining must cover the shard count; reset_after doubles as the client's cache time for this answer.
    const limit = { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 };
    return { status: 200, body: { url: this.gatewayUrl, shards: 1, session_start_limit: limit } };
  }

  private callback(req: RecordedRequest, id: string, token: string): Reply {
    const ix = this.interactions.get(token);
    if (!ix || ix.id !== id) return error(404, 10062, 'Unknown interaction');
    if (ix.callbackType !== undefined) return error(400, 40060, 'Interaction has already been acknowledged.');
    if (this.options.ackWindowMs !== undefined && req.at - ix.sentAt > this.options.ackWindowMs) return error(404, 10062, 'Unknown interaction');
    const body = isJson(req.body) ? req.body : {};
    const type = Number(body.type);
    const data = isJson(body.data) ? body.data : {};
    const where = `${req.method} ${req.path} (type ${type})`;
    if (type === 4 || type === 7) { if (!this.checkMessage(where, data, { create: type === 4 })) return invalid(); }
    if (type === 8 && !this.check(where, choiceProblems(data.choices))) return invalid();
    if (type === 9 && !this.check(where, [...over('title', data.title, 45), ...componentProblems(data.components)])) return invalid();

    ix.callbackType = type;
    ix.ackedAt = req.at;
    // 4/5 create the reply that `@original` names; 6/7 make it the message the component is on. A modal (9)
    // creates no message, so `@original` stays 404 until the modal submit's own interaction is answered.
    if (type === 4 || type === 5) ix.original = this.message(ix.channelId, type === 4 ? data : { flags: data.flags }, true);
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

  private original(req: RecordedRequest, app: string, token: string): Reply {
    const ix = this.interactions.get(token);
    if (app !== this.appId || !ix) return error(404, 10015, 'Unknown Webhook');
    if (!ix.original) return error(404, 10008, 'Unknown Message');
    return this.messageAction(req, ix.original, (next) => { if (next) ix.original = next; else delete ix.original; });
  }

  private followUp(req: RecordedRequest, app: string, token: string): Reply {
    if (app !== this.appId || !this.interactions.has(token)) return error(404, 10015, 'Unknown Webhook');
    if (!this.checkMessage(`${req.method} ${req.path}`, req.body, { create: true })) return invalid();
    const channelId = this.interactions.get(token)?.channelId ?? this.channelId;
    const message = this.message(channelId, isJson(req.body) ? req.body : {}, true, req.files);
    this.messages.set(String(message.id), message);
    return req.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
  }

  private webhookMessage(req: RecordedRequest, app: string, token: string, id: string): Reply {
    const message = this.messages.get(id);
    if (app !== this.appId || !this.interactions.has(token)) return error(404, 10015, 'Unknown Webhook');
    if (!message) return error(404, 10008, 'Unknown Message');
    return this.messageAction(req, message, (next) => { if (next) this.messages.set(id, next); else this.messages.delete(id); });
  }

  private createMessage(req: RecordedRequest, cid: string): Reply {
    if (!this.channels.has(cid)) return error(404, 10003, 'Unknown Channel');
    if (!this.checkMessage(`${req.method} ${req.path}`, req.body, { create: true })) return invalid();
    const message = this.message(cid, isJson(req.body) ? req.body : {}, false, req.files);
    this.messages.set(String(message.id), message);
    return { status: 200, body: message };
  }

  private channelMessage(req: RecordedRequest, cid: string, mid: string): Reply {
    const message = this.messages.get(mid);
    if (!message || message.channel_id !== cid) return error(404, 10008, 'Unknown Message');
    return this.messageAction(req, message, (next) => { if (next) this.messages.set(mid, next); else this.messages.delete(mid); });
  }

  /** GET, PATCH (checked, then merged) or DELETE one stored message. */
  private messageAction(req: RecordedRequest, message: Json, save: (next?: Json) => void): Reply {
    if (req.method === 'GET') return { status: 200, body: message };
    if (req.method === 'DELETE') { save(); return { status: 204 }; }
    if (!this.checkMessage(`${req.method} ${req.path}`, req.body, { create: false })) return invalid();
    const next: Json = { ...mergeMessage(message, isJson(req.body) ? req.body : {}), edited_timestamp: iso() };
    if (req.files.length > 0) next.attachments = this.attachments(String(message.channel_id), req.files);
    save(next);
    return { status: 200, body: next };
  }

  private startThread(req: RecordedRequest, cid: string, id: string): Reply {
    if (!this.channels.has(cid)) return error(404, 10003, 'Unknown Channel');
    const body = isJson(req.body) ? req.body : {};
    return { status: 201, body: this.threadChannel(id, cid, { name: body.name, type: body.type ?? 11, owner_id: this.appId }) };
  }

  private threadChannel(id: string, parentId: string, overrides: Json): Json {
    const thread = {
      id, type: 11, guild_id: this.guildId, parent_id: parentId, name: 'thread', owner_id: this.appId, flags: 0,
      rate_limit_per_user: 0, message_count: 0, member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: iso(), locked: false },
      ...overrides,
    };
    this.channels.set(id, thread);
    return thread;
  }

  private putCommands(req: RecordedRequest, app: string, scope: string): Reply {
    if (app !== this.appId) return error(403, 50001, 'Missing Access');
    const list = Array.isArray(req.body) ? req.body.filter(isJson) : [];
    const saved = list.map((command) => ({
      type: 1, ...command, id: this.snowflake(), application_id: this.appId, version: this.snowflake(),
      ...(scope === 'global' ? {} : { guild_id: scope }),
    }));
    this.commands.set(scope, saved);
    return { status: 200, body: saved };
  }

  // ---- messages and payload checks ----------------------------------------

  private message(channelId: string, body: Json, fromInteraction: boolean, files: RecordedFile[] = []): Json {
    const base: Json = {
      id: this.snowflake(), channel_id: channelId, guild_id: this.guildId, type: 0, author: this.botUser, content: '',
      embeds: [], components: [], attachments: [], mentions: [], mention_roles: [], mention_everyone: false,
      pinned: false, tts: false, timestamp: iso(), edited_timestamp: null, flags: 0,
      ...(fromInteraction ? { webhook_id: this.appId, application_id: this.appId } : {}),
    };
    const message = mergeMessage(base, body);
    if (files.length > 0) message.attachments = this.attachments(channelId, files);
    return message;
  }

  private attachments(channelId: string, files: RecordedFile[]): Json[] {
    return files.map((file) => {
      const id = this.snowflake();
      const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${file.name}`; // never fetched by discord.js
      return { id, filename: file.name, size: file.bytes.length, content_type: file.contentType, url, proxy_url: url };
    });
  }

  /** Records problems; returns false when the request should be rejected like Discord would. */
  private checkMessage(where: string, body: unknown, { create }: { create: boolean }): boolean {
    const payload = isJson(body) ? body : {};
    const mentions = payload.allowed_mentions;
    if (!isJson(mentions) || !Array.isArray(mentions.parse) || mentions.parse.length > 0) {
      // Project rule, not a Discord limit: bot output must never ping. Record only.
      this.violations.push(`${where}: allowed_mentions.parse must be [] (got ${JSON.stringify(mentions)})`);
    }
    const empty = !payload.content && !payload.poll &&
      [payload.embeds, payload.components, payload.attachments, payload.sticker_ids].every((list) => !hasItems(list));
    return this.check(where, [
      ...(create && empty ? ['cannot send an empty message (no content, embeds, components or files)'] : []),
      ...over('content', payload.content, 2000),
      ...embedProblems(payload.embeds),
      ...componentProblems(payload.components),
    ]);
  }

  private check(where: string, problems: string[]): boolean {
    this.violations.push(...problems.map((problem) => `${where}: ${problem}`));
    return problems.length === 0 || this.options.rejectInvalid === false;
  }

  /** Monotonic numeric snowflakes derived from the clock, so discord.js timestamps make sense. */
  private snowflake(): string {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.lastSnowflake = fromClock > this.lastSnowflake ? fromClock : this.lastSnowflake + 1n;
    return this.lastSnowflake.toString();
  }
}

const invalid = (): Reply => error(400, 50035, 'Invalid Form Body');
const hasItems = (value: unknown) => Array.isArray(value) && value.length > 0;
const MESSAGE_FIELDS = ['content', 'embeds', 'components', 'flags', 'tts', 'message_reference', 'poll'];

function mergeMessage(message: Json, body: Json): Json {
  const picked = Object.fromEntries(MESSAGE_FIELDS.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]));
  return { ...message, ...picked };
}

function toOptions(options: CommandOptions): CommandOption[] {
  if (Array.isArray(options)) return options;
  return Object.entries(options).map(([name, value]) => ({
    name, value,
    type: typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : Number.isInteger(value) ? 4 : 10,
  }));
}

async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: RecordedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return { body: parseJson(raw.toString('utf8')), files: [] };
  // Keep the bytes as bytes: the built-in fetch classes parse multipart correctly.
  const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value !== 'string') files.push({ field, name: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  const json = form.get('payload_json');
  return { body: typeof json === 'string' ? parseJson(json) : undefined, files };
}

/** Malformed JSON stays a string, so route checks report it instead of crashing the server. */
function parseJson(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return text; }
}

// ---- Discord's limits (counted in UTF-16 code units, like discord.js builders) ----

function over(what: string, value: unknown, max: number): string[] {
  return typeof value === 'string' && value.length > max ? [`${what} is ${value.length} characters (max ${max})`] : [];
}

function embedProblems(embeds: unknown): string[] {
  if (!Array.isArray(embeds)) return [];
  const problems = embeds.length > 10 ? [`${embeds.length} embeds (max 10)`] : [];
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isJson(embed)) return;
    const at = `embeds[${i}]`;
    const fields = Array.isArray(embed.fields) ? embed.fields.filter(isJson) : [];
    const footer = isJson(embed.footer) ? embed.footer.text : undefined;
    const author = isJson(embed.author) ? embed.author.name : undefined;
    problems.push(
      ...over(`${at}.title`, embed.title, 256), ...over(`${at}.description`, embed.description, 4096),
      ...over(`${at}.footer.text`, footer, 2048), ...over(`${at}.author.name`, author, 256),
      ...(fields.length > 25 ? [`${at} has ${fields.length} fields (max 25)`] : []),
      ...fields.flatMap((field, j) => [...over(`${at}.fields[${j}].name`, field.name, 256), ...over(`${at}.fields[${j}].value`, field.value, 1024)]),
    );
    const texts = [embed.title, embed.description, footer, author, ...fields.flatMap((field) => [field.name, field.value])];
    total += texts.reduce((sum: number, text) => sum + (typeof text === 'string' ? text.length : 0), 0);
  });
  if (total > 6000) problems.push(`embeds total ${total} characters across the message (max 6000)`);
  return problems;
}

function componentProblems(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  const rows = components.filter(isJson).filter((component) => component.type === 1);
  const problems = rows.length > 5 ? [`${rows.length} action rows (max 5)`] : [];
  rows.forEach((row, i) => {
    const buttons = (Array.isArray(row.components) ? row.components.filter(isJson) : []).filter((c) => c.type === 2);
    if (buttons.length > 5) problems.push(`components[${i}] has ${buttons.length} buttons (max 5)`);
    buttons.forEach((button, j) => problems.push(...over(`components[${i}].components[${j}].label`, button.label, 80)));
  });
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item: unknown, i) => walk(item, `${path}[${i}]`));
    if (!isJson(value)) return;
    problems.push(...over(`${path}.custom_id`, value.custom_id, 100));
    walk(value.components, `${path}.components`);
  };
  walk(components, 'components');
  return problems;
}

function choiceProblems(choices: unknown): string[] {
  if (!Array.isArray(choices)) return ['autocomplete response has no choices array'];
  const list = choices.filter(isJson);
  return [
    ...(list.length > 25 ? [`${list.length} autocomplete choices (max 25)`] : []),
    ...list.flatMap((choice, i) => [...over(`choices[${i}].name`, choice.name, 100), ...over(`choices[${i}].value`, choice.value, 100)]),
  ];
}
