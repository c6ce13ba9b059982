// The double's public vocabulary: what it records, how tests fault it and how it is configured.
// discord-double.ts re-exports all of it, so tests import from there.
import type { IncomingHttpHeaders } from 'node:http';

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

export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A fresh empty object for anything that is not one, so handlers can read fields of any body. */
export const asJson = (value: unknown): Json => (isJson(value) ? value : {});

/** Malformed JSON stays a string, so route checks report it instead of crashing the server. */
export function parseJson(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return text; }
}
