// The gateway WebSocket: HELLO, heartbeat acks, IDENTIFY (one session per shard, guilds split by Discord's
// formula) and RESUME, and dispatches routed to the session that owns a guild's shard.
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { safeShardOf } from './discord-ids.ts';
import { isThread, iso } from './discord-state.ts';
import type { DoubleState, GuildState } from './discord-state.ts';
import { asJson, isJson, parseJson } from './discord-types.ts';
import type { Json } from './discord-types.ts';

/** One IDENTIFY; a RESUME moves it to the new socket and keeps its sequence. */
interface Session { id: string; shard: [id: number, count: number]; seq: number; ws: WebSocket }

export class DiscordGateway {
  /** The frames received from clients, in arrival order. */
  readonly frames: unknown[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions: Session[] = []; // in IDENTIFY order; routing prefers the newest open one

  /** `gatewayUrl` reads the double's, set once it listens; READY names it as `resume_gateway_url`. */
  constructor(private readonly state: DoubleState, private readonly gatewayUrl: () => string) {}

  /** For the HTTP server's `upgrade` event: `/gateway` becomes a WebSocket, anything else is refused. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/gateway') return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
  }

  /** Whether a connected client has `guildId`, so that it should be told about a new channel or thread. */
  connectedTo(guildId: string): boolean {
    return this.sessionFor(guildId) !== undefined;
  }

  sendDispatch(t: string, d: unknown, shardId?: number): number {
    const guildId = isJson(d) && typeof d.guild_id === 'string' ? d.guild_id : undefined;
    const session = this.sessionFor(guildId, shardId);
    if (!session) {
      const owner = shardId !== undefined ? ` for shard ${shardId}` : guildId !== undefined && this.sessions.length > 0 ? ` for guild ${guildId}` : '';
      throw new Error(`sendDispatch(${t}): no identified gateway session${owner}; await Events.ClientReady (or Events.ShardResume) first`);
    }
    return this.send(session, t, d);
  }

  close(code: number, reason: string, shardId?: number): void {
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
    this.frames.push(frame);
    if (!isJson(frame)) return;
    const d = asJson(frame.d);
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
    if (this.state.options.token !== undefined && d.token !== this.state.options.token) return void ws.close(4004, 'Authentication failed.');
    const shard = shardPair(d.shard);
    if (!shard) return void ws.close(4010, 'Invalid shard.');
    const session: Session = { id: `session-${this.state.snowflake()}`, shard, seq: 0, ws };
    this.sessions.push(session);
    const [shardId, count] = shard;
    const owned = [...this.state.guilds.values()].filter((guild) => safeShardOf(guild.id, count) === shardId);
    this.send(session, 'READY', {
      v: 10, user: this.state.botUser, guilds: owned.map((guild) => ({ id: guild.id, unavailable: true })), session_id: session.id,
      resume_gateway_url: this.gatewayUrl(), shard, application: { id: this.state.appId, flags: 0 },
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
      id: guild.botRoleId, name: 'briefing-bot', color: 0, hoist: false, position: 1, permissions: this.state.botPermissions,
      managed: true, mentionable: false, flags: 0,
    };
    const everyone = { ...botRole, id: guild.id, name: '@everyone', position: 0, permissions: '0', managed: false };
    const all = [...this.state.channels.values()].filter((channel) => channel.guild_id === guild.id);
    return {
      id: guild.id, name: guild.name, unavailable: false, owner_id: guild.ownerId, features: [],
      roles: [everyone, botRole], channels: all.filter((c) => !isThread(c)), threads: all.filter(isThread),
      members: [{ user: this.state.botUser, roles: [botRole.id], joined_at: iso(), deaf: false, mute: false, flags: 0 }],
      emojis: [], stickers: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
      member_count: 2, large: false, joined_at: iso(), preferred_locale: 'en-US',
    };
  }
}

/** IDENTIFY's `shard: [id, count]`; absent means `[0, 1]`, as Discord reads it. */
function shardPair(value: unknown): [number, number] | undefined {
  if (value === undefined) return [0, 1];
  const [id, count] = Array.isArray(value) ? (value as unknown[]) : [];
  const valid = Number.isInteger(id) && Number.isInteger(count) && Number(count) >= 1 && Number(id) >= 0 && Number(id) < Number(count);
  return valid ? [Number(id), Number(count)] : undefined;
}
