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
//
// This file composes the parts and is the only one tests import: discord-state (what the double remembers),
// discord-gateway, discord-http (recording and answering requests), discord-rest and its route files,
// discord-interactions (building INTERACTION_CREATE), discord-faults (faults and holds) and discord-limits.
import { DiscordGateway } from './discord-gateway.ts';
import { DiscordHttp } from './discord-http.ts';
import { FaultInjector } from './discord-faults.ts';
import { InteractionSender } from './discord-interactions.ts';
import { withNonce } from './discord-messages.ts';
import { defaultRoutes } from './discord-rest.ts';
import { DoubleState } from './discord-state.ts';
import type {
  ChannelFailure, CommandOptions, DoubleOptions, Fault, FlakyOptions, Hold, InteractionExtras, Json, RecordedRequest, Route, SentInteraction,
} from './discord-types.ts';

export type {
  ChannelFailure, CommandOption, CommandOptions, DoubleOptions, Fault, FlakyOptions, GuildSpec, Hold, InteractionExtras, Json,
  RecordedFile, RecordedRequest, Reply, Route, SentInteraction,
} from './discord-types.ts';
export { isJson } from './discord-types.ts';
export { shardOf } from './discord-ids.ts';
export { rateLimitReply } from './discord-faults.ts';

export class DiscordDouble {
  readonly requests: RecordedRequest[];
  readonly gatewayIn: unknown[];
  /** Broken Discord limits and missing `allowed_mentions: { parse: [] }`; expect it to be [] after each test. */
  readonly violations: string[];
  /** Requests no route matched (answered 404 code 0): a gap in the double or a wrong route in the bot. */
  readonly unmatched: RecordedRequest[];
  readonly faults: Fault[];
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

  private readonly state: DoubleState;
  private readonly gateway: DiscordGateway;
  private readonly http: DiscordHttp;
  private readonly injector = new FaultInjector();
  private readonly interactions: InteractionSender;

  private constructor(options: DoubleOptions) {
    this.state = new DoubleState(options);
    this.gateway = new DiscordGateway(this.state, () => this.gatewayUrl);
    this.routes = defaultRoutes(this.state, () => this.gatewayUrl);
    this.http = new DiscordHttp(this.routes, this.injector, this.state.violations);
    this.interactions = new InteractionSender(this.state, this.gateway);
    // The public arrays are the parts' own, so tests can inspect them and reset them with `.length = 0`.
    this.requests = this.http.requests;
    this.unmatched = this.http.unmatched;
    this.gatewayIn = this.gateway.frames;
    this.faults = this.injector.faults;
    this.violations = this.state.violations;
    this.guildId = this.state.guildId;
    this.channelId = this.state.channelId;
    this.appId = this.state.appId;
    this.botUser = this.state.botUser;
    this.botPermissions = this.state.botPermissions;
  }

  static async start(options: DoubleOptions = {}): Promise<DiscordDouble> {
    const double = new DiscordDouble(options);
    double.http.server.on('upgrade', (req, socket, head) => double.gateway.upgrade(req, socket, head));
    const port = await double.http.listen();
    double.apiBase = `http://127.0.0.1:${port}/api`;
    double.gatewayUrl = `ws://127.0.0.1:${port}/gateway`; // no trailing slash: the client appends `?v=10…`
    return double;
  }

  /** Call after `client.destroy()`; neither an unanswered nor a held request can block it. */
  async stop(): Promise<void> {
    this.injector.dropHolds();
    await this.gateway.stop();
    await this.http.stop();
  }

  // ---- guilds and channels -------------------------------------------------

  /** Every guild, in the order of `guilds` (the first is `guildId`). */
  get guildIds(): string[] {
    return [...this.state.guilds.keys()];
  }

  /** Text channels (not threads) of one guild, or of all guilds, in creation order. */
  channelIds(guildId?: string): string[] {
    return this.state.channelIds(guildId);
  }

  /** A new text channel; a connected client that has the guild is sent CHANNEL_CREATE, so it caches the channel. */
  addChannel(guildId: string = this.guildId): string {
    if (!this.state.guilds.has(guildId)) throw new Error(`addChannel: unknown guild ${guildId}; known: ${this.guildIds.join(', ')}`);
    const channel = this.state.textChannel(this.state.snowflake(), guildId);
    if (this.gateway.connectedTo(guildId)) this.sendDispatch('CHANNEL_CREATE', channel);
    return String(channel.id);
  }

  /**
   * A public thread under `overrides.parent_id` (default: the test channel). It is sent to the client (in GUILD_CREATE,
   * or as THREAD_CREATE once connected) so that `interaction.channel.isThread()` works; pass it as `{ channel: double.thread() }`.
   */
  thread(overrides: Json = {}): Json {
    const id = typeof overrides.id === 'string' ? overrides.id : this.state.snowflake();
    const parentId = typeof overrides.parent_id === 'string' ? overrides.parent_id : this.channelId;
    const thread = this.state.threadChannel(id, parentId, { name: 'briefing thread', ...overrides });
    if (this.gateway.connectedTo(this.state.guildOf(parentId))) this.sendDispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  // ---- gateway -------------------------------------------------------------

  /**
   * Sends a dispatch to the session that owns `d.guild_id`'s shard (shard 0 without a guild), or to `shardId`'s.
   * The newest open session wins when several match, e.g. a bot restarted against the same double.
   * Returns performance.now() when the frame was written.
   */
  sendDispatch(t: string, d: unknown, shardId?: number): number {
    return this.gateway.sendDispatch(t, d, shardId);
  }

  /**
   * Closes gateway sockets: 4000/4009 make discord.js RESUME after ~0.5 s; 1000/4007 re-IDENTIFY after 5–6 s.
   * Without `shardId`, every open socket.
   */
  closeGateway(code: number, reason = '', shardId?: number): void {
    this.gateway.close(code, reason, shardId);
  }

  // ---- interactions --------------------------------------------------------

  chatInput(name: string, options: CommandOptions = [], extras: InteractionExtras = {}): SentInteraction {
    return this.interactions.chatInput(name, options, extras);
  }

  /** The option named `focused` (default: the first) carries `focused: true`; Discord sends its partial text. */
  autocomplete(name: string, options: CommandOptions, extras: InteractionExtras & { focused?: string } = {}): SentInteraction {
    return this.interactions.autocomplete(name, options, extras);
  }

  /** `message` is the message the button is on; missing fields get defaults (a bot message in the channel). */
  button(customId: string, message: Json = {}, extras: InteractionExtras = {}): SentInteraction {
    return this.interactions.button(customId, message, extras);
  }

  /** Fields arrive as action rows of text inputs; pass `message` when the modal was opened from a component. */
  modalSubmit(customId: string, fields: Record<string, string>, message?: Json, extras: InteractionExtras = {}): SentInteraction {
    return this.interactions.modalSubmit(customId, fields, message, extras);
  }

  /** Round-trip times (ms) from writing INTERACTION_CREATE to the first 2xx callback, in dispatch order. */
  ackLatencies(): number[] {
    return [...this.state.interactions.values()].flatMap((ix) => (ix.ackedAt === undefined ? [] : [ix.ackedAt - ix.sentAt]));
  }

  /** Interactions that never received a successful callback. */
  unacknowledged(): SentInteraction[] {
    return [...this.state.interactions.values()].filter((ix) => ix.ackedAt === undefined).map(({ id, token, sentAt }) => ({ id, token, sentAt }));
  }

  // ---- REST ----------------------------------------------------------------

  /** Answers the next `times` (default 1) matching requests with `status`, before any route runs. */
  addFault(match: Fault['match'], status: number, options: Partial<Omit<Fault, 'match' | 'status'>> = {}): Fault {
    return this.injector.add(match, status, options);
  }

  removeFault(fault: Fault): void {
    this.injector.remove(fault);
  }

  /**
   * From now on (until `removeFault`), `channelId` answers like Discord for a bot that lost it: 'missing-permissions'
   * is 403 50013 on message create only; 'unknown-channel' (404 10003) and 'missing-access' (403 50001) answer every
   * request under `/channels/{id}`. discord.js throws a DiscordAPIError with that `code` and does not retry.
   */
  failChannel(channelId: string, failure: ChannelFailure): Fault {
    return this.injector.failChannel(channelId, failure);
  }

  /**
   * The next `times` message creates in `channelId` fail, then it answers normally. discord.js retries them itself:
   * a 429 after Retry-After (not counted against `rest.retries`), a 500/502 at once, up to `rest.retries` (default 3).
   */
  flakyChannel(channelId: string, options: FlakyOptions): Fault {
    return this.injector.flakyChannel(channelId, options);
  }

  /**
   * Message creates in `channelId` (or in every channel) are stored as usual (they appear in `channelMessages` and in
   * history) but not answered until `release()`, as if the bot died after Discord created the message and before it
   * read the reply. A request whose connection closes is dropped; `stop()` destroys the rest. Raise discord.js's
   * `rest.timeout` (default 15 s) above the hold, or it aborts and retries.
   */
  holdMessageCreates(channelId?: string): Hold {
    return this.injector.hold(channelId);
  }

  /** Releases every hold (see `holdMessageCreates`). */
  release(): void {
    this.injector.releaseAll();
  }

  /**
   * Messages the bot created with POST /channels/{id}/messages in one channel (or all), oldest first, each with the
   * `nonce` it was sent with. Edits show; deleted messages stay, so the list counts creations.
   */
  channelMessages(channelId?: string): Json[] {
    return this.state.channelLog
      .filter((logged) => channelId === undefined || logged.channelId === channelId)
      .map((logged) => withNonce(this.state.messages.get(logged.id) ?? logged.created, logged.nonce));
  }

  /** Routes added here take precedence over the defaults. */
  addRoute(method: string, pattern: RegExp, handler: Route[2]): void {
    this.routes.unshift([method, pattern, handler]);
  }

  waitForRequest(predicate: (req: RecordedRequest) => boolean, timeoutMs = 5000, fromIndex = 0): Promise<RecordedRequest> {
    return this.http.waitForRequest(predicate, timeoutMs, fromIndex);
  }
}
