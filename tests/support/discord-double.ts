// A loopback fake of Discord: REST and the gateway WebSocket on one 127.0.0.1 port.
// The real, unmodified discord.js Client logs into it (`rest: { api: double.apiBase }`),
// so tests assert on the HTTP requests the bot makes instead of mocking discord.js.
// What discord.js 14.28 needs from it, each observed by running the client: READY with user/guilds/application,
// GUILD_CREATE straight after, heartbeat acks, `entitlements` and `authorizing_integration_owners` in
// INTERACTION_CREATE, `%40original` in paths, and a Retry-After header on every 429.
// It holds no reference to the client, so the bot may run in a child process: give it DISCORD_API_URL=double.apiBase;
// the gateway URL comes from GET /gateway/bot. Several guilds, channels and shards (one session per IDENTIFY,
// guilds split by Discord's formula) are options; message creates support nonces, history, faults and holds.
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
  /** performance.now() in the double's process when the request had been read; benches derive requests/s from it. */
  at: number;
  /** The status the double answered with (or will answer with, while `held`). */
  status: number;
  /** True while `holdMessageCreates` withholds the answer; false once released. Absent for requests never held. */
  held?: boolean;
}
export interface RecordedFile { field: string; name: string; contentType: string; bytes: Buffer }

export interface Fault {
  match: (req: RecordedRequest) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many more requests this fault answers; it is removed at 0. `Infinity` answers until `removeFault`. */
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
  /** Any text channel of any guild; the interaction's guild (and so its shard) is that channel's. */
  channelId?: string;
  /** Replaces the channel object, e.g. `double.thread()`. An unknown thread is announced with THREAD_CREATE first. */
  channel?: Json;
  /** Permission bitfields as decimal strings. */
  appPermissions?: string;
  memberPermissions?: string;
}
export interface SentInteraction { id: string; token: string; sentAt: number }

export interface GuildSpec {
  /** A numeric snowflake. Default: generated so that the i-th guild (0-based) is on shard `i % count` for any count up to 16. */
  id?: string;
  /** Text channel ids, or how many to generate. Default 1. */
  channels?: string[] | number;
}

/** What `failChannel` makes a channel answer: 403 50013 on message create; 404 10003 or 403 50001 on every request. */
export type ChannelFailure = 'missing-permissions' | 'unknown-channel' | 'missing-access';

export interface FlakyOptions {
  status: 429 | 500 | 502;
  /** How many message creates fail before the channel answers normally again. Minimum 1. */
  times: number;
  /** For 429: the Retry-After the double announces, in milliseconds. Default 50; discord.js adds its 50 ms offset. */
  retryAfterMs?: number;
}

/** Returned by `holdMessageCreates`. */
export interface Hold {
  /** Requests stored (the message exists) but not answered yet. */
  readonly pending: number;
  /** Answers the pending requests now and stops holding. Requests whose connection already closed are skipped. */
  release(): void;
}

export interface DoubleOptions {
  /** The only guild's id (default: generated). Use `guilds` for several; not both. */
  guildId?: string;
  /** The only channel's id (default: generated). Use `guilds` for several; not both. */
  channelId?: string;
  /** Several guilds of text channels; the first guild's first channel is `channelId`. Default: one guild, one channel. */
  guilds?: GuildSpec[];
  /** Decimal bitfield for the bot's role; also the default `app_permissions`. */
  botPermissions?: string;
  /** When set, IDENTIFY with another token is closed with 4004, so `login()` rejects with "Authentication failed". */
  token?: string;
  /** Answer limit violations with 400 50035 as Discord does. Default true; missing allowed_mentions is only recorded. */
  rejectInvalid?: boolean;
  /** Simulate Discord's acknowledgement window: a later first callback gets 404 10062. Default: no window. */
  ackWindowMs?: number;
  /** `shards` in GET /gateway/bot, what `shards: 'auto'` uses. Default 1. */
  shards?: number;
  /** `session_start_limit.max_concurrency`. Default: `shards`, so a multi-shard client identifies every shard at once. */
  maxConcurrency?: number;
  /** How long a message nonce counts for `enforce_nonce`, in milliseconds of `now`. Default 300_000 (5 minutes). */
  nonceWindowMs?: number;
  /** The double's clock for the nonce window, in epoch milliseconds. Default `Date.now()` (so fake timers apply). */
  now?: () => number;
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
interface GuildState { id: string; name: string; ownerId: string; botRoleId: string }
/** One IDENTIFY; a RESUME moves it to the new socket and keeps its sequence. */
interface Session { id: string; shard: [id: number, count: number]; seq: number; ws: WebSocket }
interface LoggedMessage { channelId: string; id: string; nonce?: string | number; createdAt: number; created: Json }
interface HoldState { channelId: string | undefined; active: boolean; pending: { record: RecordedRequest; res: ServerResponse; reply: Reply }[] }

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
const NONCE_WINDOW_MS = 5 * 60_000; // Discord's documented "past few minutes"
const CHANNEL_MESSAGES = /^\/channels\/(\d+)\/messages$/;
const CHANNEL_FAILURES = {
  'missing-permissions': { status: 403, code: 50013, message: 'Missing Permissions', onlyCreates: true },
  'unknown-channel': { status: 404, code: 10003, message: 'Unknown Channel', onlyCreates: false },
  'missing-access': { status: 403, code: 50001, message: 'Missing Access', onlyCreates: false },
} as const satisfies Record<ChannelFailure, { status: number; code: number; message: string; onlyCreates: boolean }>;

export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const error = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
const iso = () => new Date().toISOString();

/**
 * Discord's shard formula: `(guild_id >> 22) % shard_count`.
 * @example shardOf(double.guildIds[1], 2) // 1: generated guilds alternate between shards
 */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/**
 * Headers and body of a 429 as Discord sends it, for `addFault(match, 429, { ...rateLimitReply(100), times: 2 })`.
 * discord.js waits `retry-after` (seconds) plus its 50 ms offset, or until `x-ratelimit-reset-after` for a bucket
 * left at `remaining: 0`, then retries; a 429 does not count against `rest.retries`. The bucket hash is constant,
 * because a new hash makes discord.js start a fresh, unlimited bucket. `x-ratelimit-reset` (epoch seconds) is fixed
 * when this is called; discord.js reads only the relative `reset-after`.
 */
export function rateLimitReply(retryAfterMs: number, { global = false }: { global?: boolean } = {}): Pick<Fault, 'headers' | 'body'> {
  const seconds = String(retryAfterMs / 1000);
  const headers: Record<string, string> = {
    'retry-after': seconds, 'x-ratelimit-scope': global ? 'global' : 'user', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String((Date.now() + retryAfterMs) / 1000), 'x-ratelimit-reset-after': seconds, 'x-ratelimit-bucket': 'double-bucket',
    ...(global ? { 'x-ratelimit-global': 'true' } : {}),
  };
  return { headers, body: { message: 'You are being rate limited.', retry_after: retryAfterMs / 1000, global } };
}

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
  /** The first guild. */
  readonly guildId: string;
  /** The first guild's first text channel. */
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
  private readonly sessions: Session[] = []; // in IDENTIFY order; routing prefers the newest open one
  private lastSnowflake = 0n;
  private readonly guilds = new Map<string, GuildState>();
  private readonly channels = new Map<string, Json>();
  private readonly messages = new Map<string, Json>();
  private readonly channelLog: LoggedMessage[] = []; // every POST /channels/:id/messages that created a message
  private readonly nonces = new Map<string, LoggedMessage>(); // `${channelId} ${nonce}`
  private readonly holds: HoldState[] = [];
  private readonly interactions = new Map<string, InteractionState>(); // by token
  private readonly commands = new Map<string, Json[]>(); // 'global' or a guild id
  private readonly waiters = new Set<{ check: () => boolean; cancel: () => void }>();
  private readonly now: () => number;

  private constructor(private readonly options: DoubleOptions) {
    if (options.guilds && (options.guildId !== undefined || options.channelId !== undefined)) {
      throw new Error('DiscordDouble: pass guildId/channelId or guilds, not both (the first of guilds is guildId)');
    }
    this.now = options.now ?? (() => Date.now());
    this.appId = this.snowflake();
    const specs = options.guilds ?? [{ ...(options.guildId === undefined ? {} : { id: options.guildId }), channels: [options.channelId ?? this.snowflake()] }];
    specs.forEach((spec, index) => {
      const id = spec.id ?? generatedGuildId(index);
      this.guilds.set(id, { id, name: index === 0 ? 'Briefing Test Guild' : `Briefing Test Guild ${index + 1}`, ownerId: this.snowflake(), botRoleId: this.snowflake() });
      const channels = typeof spec.channels === 'number' ? Array.from({ length: spec.channels }, () => this.snowflake()) : spec.channels ?? [this.snowflake()];
      for (const channelId of channels) this.textChannel(channelId, id);
    });
    const [first] = this.guilds.keys();
    const [firstChannel] = first === undefined ? [] : this.channelIds(first);
    if (first === undefined || firstChannel === undefined) throw new Error('DiscordDouble: the first guild needs a text channel (it becomes channelId)');
    this.guildId = first;
    this.channelId = firstChannel;
    this.botPermissions = options.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    this.botUser = { id: this.appId, username: 'briefing-bot', discriminator: '0000', global_name: null, avatar: null, bot: true, flags: 0 };
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

  /** Call after `client.destroy()`; neither an unanswered nor a held request can block it. */
  async stop(): Promise<void> {
    for (const hold of this.holds) { hold.active = false; hold.pending.length = 0; }
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
    this.server.closeAllConnections(); // destroys the sockets of held requests too
    await new Promise<void>((done) => this.server.close(() => done()));
    for (const waiter of [...this.waiters]) waiter.cancel();
  }

  // ---- guilds and channels -------------------------------------------------

  /** Every guild, in the order of `guilds` (the first is `guildId`). */
  get guildIds(): string[] {
    return [...this.guilds.keys()];
  }

  /** Text channels (not threads) of one guild, or of all guilds, in creation order. */
  channelIds(guildId?: string): string[] {
    return [...this.channels.values()]
      .filter((channel) => !THREAD_TYPES.has(Number(channel.type)) && (guildId === undefined || channel.guild_id === guildId))
      .map((channel) => String(channel.id));
  }

  /** A new text channel; a connected client that has the guild is sent CHANNEL_CREATE, so it caches the channel. */
  addChannel(guildId: string = this.guildId): string {
    if (!this.guilds.has(guildId)) throw new Error(`addChannel: unknown guild ${guildId}; known: ${this.guildIds.join(', ')}`);
    const channel = this.textChannel(this.snowflake(), guildId);
    if (this.sessionFor(guildId)) this.sendDispatch('CHANNEL_CREATE', channel);
    return String(channel.id);
  }

  private textChannel(id: string, guildId: string): Json {
    const position = this.channelIds(guildId).length;
    const channel = {
      id, type: 0, guild_id: guildId, name: position === 0 ? 'briefings' : `briefings-${position + 1}`, position,
      permission_overwrites: [], parent_id: null, nsfw: false, rate_limit_per_user: 0, topic: null, last_message_id: null,
    };
    this.channels.set(id, channel);
    return channel;
  }

  private guildOf(channelId: string): string {
    const guildId = this.channels.get(channelId)?.guild_id;
    return typeof guildId === 'string' ? guildId : this.guildId;
  }

  // ---- gateway -------------------------------------------------------------

  /**
   * Sends a dispatch to the session that owns `d.guild_id`'s shard (shard 0 without a guild), or to `shardId`'s.
   * The newest open session wins when several match, e.g. a bot restarted against the same double.
   */
  sendDispatch(t: string, d: unknown, shardId?: number): number {
    const guildId = isJson(d) && typeof d.guild_id === 'string' ? d.guild_id : undefined;
    const session = this.sessionFor(guildId, shardId);
    if (!session) {
      const owner = shardId !== undefined ? ` for shard ${shardId}` : guildId !== undefined && this.sessions.length > 0 ? ` for guild ${guildId}` : '';
      throw new Error(`sendDispatch(${t}): no identified gateway session${owner}; await Events.ClientReady (or Events.ShardResume) first`);
    }
    return this.send(session, t, d);
  }

  /**
   * Closes gateway sockets: 4000/4009 make discord.js RESUME after ~0.5 s; 1000/4007 re-IDENTIFY after 5–6 s.
   * Without `shardId`, every open socket.
   */
  closeGateway(code: number, reason = '', shardId?: number): void {
    for (const ws of this.wss.clients) {
      const session = this.sessions.find((candidate) => candidate.ws === ws);
      if (shardId === undefined || session?.shard[0] === shardId) ws.close(code, reason);
    }
  }

  private onConnection(ws: WebSocket): void {
    ws.on('message', (raw) => this.onFrame(ws, raw));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
  }

  private onFrame(ws: WebSocket, raw: RawData): void {
    const frame = parseJson(String(raw));
    this.gatewayIn.push(frame);
    if (!isJson(frame)) return;
    const d = isJson(frame.d) ? frame.d : {};
    if (frame.op === 1) ws.send(JSON.stringify({ op: 11 })); // unacked heartbeats make the client reconnect
    if (frame.op === 2) this.identify(ws, d);
    if (frame.op === 6) {
      const session = this.sessions.find((candidate) => candidate.id === d.session_id);
      if (!session) return void ws.send(JSON.stringify({ op: 9, d: false }));
      session.ws = ws;
      this.send(session, 'RESUMED', {});
    }
  }

  private identify(ws: WebSocket, d: Json): void {
    if (this.options.token !== undefined && d.token !== this.options.token) return void ws.close(4004, 'Authentication failed.');
    const shard = shardPair(d.shard);
    if (!shard) return void ws.close(4010, 'Invalid shard.');
    const session: Session = { id: `session-${this.snowflake()}`, shard, seq: 0, ws };
    this.sessions.push(session);
    const owned = [...this.guilds.values()].filter((guild) => owns(shard, guild.id));
    this.send(session, 'READY', {
      v: 10, user: this.botUser, guilds: owned.map((guild) => ({ id: guild.id, unavailable: true })), session_id: session.id,
      resume_gateway_url: this.gatewayUrl, shard, application: { id: this.appId, flags: 0 },
    });
    // Listed as unavailable in READY and delivered at once, so clientReady fires with the guilds cached.
    for (const guild of owned) this.send(session, 'GUILD_CREATE', this.guildPayload(guild));
  }

  private send(session: Session, t: string, d: unknown): number {
    session.seq += 1;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
    return performance.now();
  }

  private sessionFor(guildId?: string, shardId?: number): Session | undefined {
    return this.sessions.findLast((session) => {
      if (session.ws.readyState !== session.ws.OPEN) return false;
      const [id, count] = session.shard;
      return id === (shardId ?? (guildId === undefined ? 0 : safeShardOf(guildId, count)));
    });
  }

  private guildPayload(guild: GuildState): Json {
    const botRole = {
      id: guild.botRoleId, name: 'briefing-bot', color: 0, hoist: false, position: 1, permissions: this.botPermissions,
      managed: true, mentionable: false, flags: 0,
    };
    const everyone = { ...botRole, id: guild.id, name: '@everyone', position: 0, permissions: '0', managed: false };
    const all = [...this.channels.values()].filter((channel) => channel.guild_id === guild.id);
    return {
      id: guild.id, name: guild.name, unavailable: false, owner_id: guild.ownerId, features: [],
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
   * A public thread under `overrides.parent_id` (default: the test channel). It is sent to the client (in GUILD_CREATE,
   * or as THREAD_CREATE once connected) so that `interaction.channel.isThread()` works; pass it as `{ channel: double.thread() }`.
   */
  thread(overrides: Json = {}): Json {
    const id = typeof overrides.id === 'string' ? overrides.id : this.snowflake();
    const parentId = typeof overrides.parent_id === 'string' ? overrides.parent_id : this.channelId;
    const thread = this.threadChannel(id, parentId, { name: 'briefing thread', ...overrides });
    if (this.sessionFor(this.guildOf(parentId))) this.sendDispatch('THREAD_CREATE', { ...thread, newly_created: true });
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
    const channel = extras.channel ?? this.channels.get(channelId) ?? { id: channelId, type: 0, guild_id: this.guildOf(channelId) };
    const guildId = typeof channel.guild_id === 'string' ? channel.guild_id : this.guildOf(channelId);
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
      id, application_id: this.appId, type, token, version: 1, guild_id: guildId, channel_id: channelId, channel,
      member: { user, roles: [], joined_at: iso(), permissions, deaf: false, mute: false, flags: 0 },
      app_permissions: extras.appPermissions ?? this.botPermissions, locale: 'en-US', guild_locale: 'en-US',
      // Both are required: without them discord.js drops the interaction with an unhandled rejection.
      entitlements: [], authorizing_integration_owners: { '0': guildId }, context: 0, data, ...more,
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

  removeFault(fault: Fault): void {
    const index = this.faults.indexOf(fault);
    if (index >= 0) this.faults.splice(index, 1);
  }

  /**
   * From now on (until `removeFault`), `channelId` answers like Discord for a bot that lost it: 'missing-permissions'
   * is 403 50013 on message create only; 'unknown-channel' (404 10003) and 'missing-access' (403 50001) answer every
   * request under `/channels/{id}`. discord.js throws a DiscordAPIError with that `code` and does not retry.
   */
  failChannel(channelId: string, failure: ChannelFailure): Fault {
    const { status, code, message, onlyCreates } = CHANNEL_FAILURES[failure];
    const match = onlyCreates ? createsIn(channelId) : (req: RecordedRequest) => req.path === `/channels/${channelId}` || req.path.startsWith(`/channels/${channelId}/`);
    return this.addFault(match, status, { body: { message, code }, times: Number.POSITIVE_INFINITY });
  }

  /**
   * The next `times` message creates in `channelId` fail, then it answers normally. discord.js retries them itself:
   * a 429 after Retry-After (not counted against `rest.retries`), a 500/502 at once, up to `rest.retries` (default 3).
   */
  flakyChannel(channelId: string, { status, times, retryAfterMs = 50 }: FlakyOptions): Fault {
    return this.addFault(createsIn(channelId), status, { ...(status === 429 ? rateLimitReply(retryAfterMs) : {}), times });
  }

  /**
   * Message creates in `channelId` (or in every channel) are stored as usual (they appear in `channelMessages` and in
   * history) but not answered until `release()`, as if the bot died after Discord created the message and before it
   * read the reply. A request whose connection closes is dropped; `stop()` destroys the rest. Raise discord.js's
   * `rest.timeout` (default 15 s) above the hold, or it aborts and retries.
   */
  holdMessageCreates(channelId?: string): Hold {
    const hold: HoldState = { channelId, active: true, pending: [] };
    this.holds.push(hold);
    return {
      get pending() { return hold.pending.length; },
      release: () => this.releaseHold(hold),
    };
  }

  /** Releases every hold (see `holdMessageCreates`). */
  release(): void {
    for (const hold of [...this.holds]) this.releaseHold(hold);
  }

  private releaseHold(hold: HoldState): void {
    hold.active = false;
    this.holds.splice(this.holds.indexOf(hold), 1);
    for (const { record, res, reply } of hold.pending.splice(0)) {
      record.held = false;
      if (!res.destroyed) write(res, reply);
    }
  }

  private holdFor(req: RecordedRequest): HoldState | undefined {
    const channelId = req.method === 'POST' ? CHANNEL_MESSAGES.exec(req.path)?.[1] : undefined;
    if (channelId === undefined) return undefined;
    return this.holds.find((hold) => hold.active && (hold.channelId === undefined || hold.channelId === channelId));
  }

  /**
   * Messages the bot created with POST /channels/{id}/messages in one channel (or all), oldest first, each with the
   * `nonce` it was sent with. Edits show; deleted messages stay, so the list counts creations.
   */
  channelMessages(channelId?: string): Json[] {
    return this.channelLog
      .filter((logged) => channelId === undefined || logged.channelId === channelId)
      .map((logged) => ({ ...(this.messages.get(logged.id) ?? logged.created), ...(logged.nonce === undefined ? {} : { nonce: logged.nonce }) }));
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
    const hold = reply.status < 300 ? this.holdFor(record) : undefined;
    if (hold) record.held = true;
    this.requests.push(record);
    for (const waiter of [...this.waiters]) waiter.check();
    if (!hold) return write(res, reply);
    const pending = { record, res, reply };
    hold.pending.push(pending);
    res.on('close', () => { const at = hold.pending.indexOf(pending); if (at >= 0) hold.pending.splice(at, 1); });
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
      ['POST', CHANNEL_MESSAGES, (req, cid) => this.createMessage(req, cid)],
      ['GET', CHANNEL_MESSAGES, (req, cid) => this.history(req, cid)],
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
    const shards = this.options.shards ?? 1;
    const limit = { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: this.options.maxConcurrency ?? shards };
    return { status: 200, body: { url: this.gatewayUrl, shards, session_start_limit: limit } };
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

  /**
   * Creates a message, except that with `enforce_nonce: true` a nonce this channel saw within `nonceWindowMs` answers
   * 200 with the message it created, as Discord does; discord.js sends `enforce_nonce: false` unless told otherwise.
   */
  private createMessage(req: RecordedRequest, cid: string): Reply {
    if (!this.channels.has(cid)) return error(404, 10003, 'Unknown Channel');
    const body = isJson(req.body) ? req.body : {};
    const where = `${req.method} ${req.path}`;
    const nonce = body.nonce ?? undefined;
    if (!this.check(where, nonceProblems(nonce))) return invalid();
    if (!this.checkMessage(where, req.body, { create: true })) return invalid();
    const key = typeof nonce === 'string' || typeof nonce === 'number' ? `${cid} ${nonce}` : undefined;
    const seen = key === undefined ? undefined : this.nonces.get(key);
    const windowMs = this.options.nonceWindowMs ?? NONCE_WINDOW_MS;
    if (body.enforce_nonce === true && seen && this.now() - seen.createdAt <= windowMs && this.messages.has(seen.id)) {
      return { status: 200, body: { ...this.messages.get(seen.id), nonce: seen.nonce } };
    }
    const message = this.message(cid, body, false, req.files);
    this.messages.set(String(message.id), message);
    const logged: LoggedMessage = { channelId: cid, id: String(message.id), createdAt: this.now(), created: message };
    if (typeof nonce === 'string' || typeof nonce === 'number') logged.nonce = nonce;
    this.channelLog.push(logged);
    if (key !== undefined) this.nonces.set(key, logged);
    return { status: 200, body: logged.nonce === undefined ? message : { ...message, nonce: logged.nonce } };
  }

  /**
   * GET /channels/{id}/messages: newest first, `limit` 1–100 (default 50), then `before` or `after` (the `limit`
   * messages right after it, still newest first). Ephemeral replies are left out; Discord does not keep nonces.
   */
  private history(req: RecordedRequest, cid: string): Reply {
    if (!this.channels.has(cid)) return error(404, 10003, 'Unknown Channel');
    const limit = Number(req.query.get('limit') ?? 50);
    const where = `${req.method} ${req.path}`;
    if (!this.check(where, Number.isInteger(limit) && limit >= 1 && limit <= 100 ? [] : [`limit ${req.query.get('limit')} is not an integer from 1 to 100`])) return invalid();
    const byId = new Map<string, Json>();
    for (const message of [...this.messages.values(), ...[...this.interactions.values()].flatMap((ix) => (ix.original ? [ix.original] : []))]) {
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
      id, type: 11, guild_id: this.guildOf(parentId), parent_id: parentId, name: 'thread', owner_id: this.appId, flags: 0,
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
      id: this.snowflake(), channel_id: channelId, guild_id: this.guildOf(channelId), type: 0, author: this.botUser, content: '',
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
const createsIn = (channelId: string) => (req: RecordedRequest) => req.method === 'POST' && req.path === `/channels/${channelId}/messages`;

function write(res: ServerResponse, reply: Reply): void {
  const payload = reply.status === 204 || reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
  res.end(payload);
}

/** Numeric snowflakes compare by length, then digit by digit. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Discord: "integer or string, max 25 characters". */
function nonceProblems(nonce: unknown): string[] {
  if (nonce === undefined || Number.isSafeInteger(nonce) || (typeof nonce === 'string' && nonce.length <= 25)) return [];
  return [`nonce must be an integer or a string of at most 25 characters (got ${JSON.stringify(nonce)})`];
}

const SHARD_CYCLE = 720_720n; // lcm(1..16)
let generatedGuilds = BigInt(Math.floor(Math.random() * 0x40_0000)); // random start: test files run in separate processes

/**
 * A guild id whose timestamp is congruent to `index` modulo lcm(1..16), so generated guild i is on shard
 * `i % count` for every count up to 16. Its timestamp lies 12–24 minutes back (never in the future); the low
 * 22 bits count up, so every double still gets a fresh guild, and state keyed by guild never leaks between tests.
 */
function generatedGuildId(index: number): string {
  const now = BigInt(Date.now()) - DISCORD_EPOCH;
  const i = BigInt(index);
  const timestamp = (now / SHARD_CYCLE - 1n - i / SHARD_CYCLE) * SHARD_CYCLE + (i % SHARD_CYCLE);
  generatedGuilds = (generatedGuilds + 1n) & 0x3f_ffffn;
  return ((timestamp << 22n) | generatedGuilds).toString();
}

/** IDENTIFY's `shard: [id, count]`; absent means `[0, 1]`, as Discord reads it. */
function shardPair(value: unknown): [number, number] | undefined {
  if (value === undefined) return [0, 1];
  const [id, count] = Array.isArray(value) ? (value as unknown[]) : [];
  const valid = Number.isInteger(id) && Number.isInteger(count) && Number(count) >= 1 && Number(id) >= 0 && Number(id) < Number(count);
  return valid ? [Number(id), Number(count)] : undefined;
}

/** Non-numeric ids (a test's own) go to shard 0 instead of throwing. */
const safeShardOf = (guildId: string, count: number) => (/^\d+$/.test(guildId) ? shardOf(guildId, count) : 0);
const owns = ([id, count]: [number, number], guildId: string) => safeShardOf(guildId, count) === id;
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
