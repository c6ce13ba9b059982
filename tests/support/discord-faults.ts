// Misbehaviour on demand: faults answer matching requests instead of the routes (errors, rate limits), and holds
// withhold a message create's answer, as if the bot died after Discord created the message.
import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import { CHANNEL_MESSAGES } from './discord-messages.ts';
import { write } from './discord-replies.ts';
import type { ChannelFailure, Fault, FlakyOptions, Hold, RecordedRequest, Reply } from './discord-types.ts';

interface HoldState { channelId: string | undefined; active: boolean; pending: { record: RecordedRequest; res: ServerResponse; reply: Reply }[] }

const CHANNEL_FAILURES = {
  'missing-permissions': { status: 403, code: 50013, message: 'Missing Permissions', onlyCreates: true },
  'unknown-channel': { status: 404, code: 10003, message: 'Unknown Channel', onlyCreates: false },
  'missing-access': { status: 403, code: 50001, message: 'Missing Access', onlyCreates: false },
} as const satisfies Record<ChannelFailure, { status: number; code: number; message: string; onlyCreates: boolean }>;

const createsIn = (channelId: string) => (req: RecordedRequest) => req.method === 'POST' && req.path === `/channels/${channelId}/messages`;

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

export class FaultInjector {
  /** Checked in order before any route; `DiscordDouble.faults` is this array. */
  readonly faults: Fault[] = [];
  private readonly holds: HoldState[] = [];

  add(match: Fault['match'], status: number, options: Partial<Omit<Fault, 'match' | 'status'>>): Fault {
    const fault: Fault = { match, status, ...options, times: options.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  remove(fault: Fault): void {
    const index = this.faults.indexOf(fault);
    if (index >= 0) this.faults.splice(index, 1);
  }

  failChannel(channelId: string, failure: ChannelFailure): Fault {
    const { status, code, message, onlyCreates } = CHANNEL_FAILURES[failure];
    const match = onlyCreates ? createsIn(channelId) : (req: RecordedRequest) => req.path === `/channels/${channelId}` || req.path.startsWith(`/channels/${channelId}/`);
    return this.add(match, status, { body: { message, code }, times: Number.POSITIVE_INFINITY });
  }

  flakyChannel(channelId: string, { status, times, retryAfterMs = 50 }: FlakyOptions): Fault {
    return this.add(createsIn(channelId), status, { ...(status === 429 ? rateLimitReply(retryAfterMs) : {}), times });
  }

  /** The first matching fault's answer, using up one of its `times`; undefined when the routes should answer. */
  answer(req: RecordedRequest): Reply | undefined {
    const fault = this.faults.find((candidate) => candidate.times > 0 && candidate.match(req));
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    // Discord always sends Retry-After on 429; without it discord.js retries at once, endlessly.
    const hasRetryAfter = Object.keys(fault.headers ?? {}).some((name) => name.toLowerCase() === 'retry-after');
    const retry: Record<string, string> = fault.status === 429 && !hasRetryAfter ? { 'Retry-After': '0' } : {};
    const body = fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error', code: 0 };
    return { status: fault.status, headers: { ...retry, ...fault.headers }, body };
  }

  hold(channelId: string | undefined): Hold {
    const hold: HoldState = { channelId, active: true, pending: [] };
    this.holds.push(hold);
    return {
      get pending() { return hold.pending.length; },
      release: () => this.release(hold),
    };
  }

  releaseAll(): void {
    for (const hold of [...this.holds]) this.release(hold);
  }

  /** On stop: the held responses are destroyed with their sockets, never answered. */
  dropHolds(): void {
    for (const hold of this.holds) { hold.active = false; hold.pending.length = 0; }
  }

  /** An active hold covering `req`, a message create; undefined when the request should be answered now. */
  holdFor(req: RecordedRequest): HoldState | undefined {
    const channelId = req.method === 'POST' ? CHANNEL_MESSAGES.exec(req.path)?.[1] : undefined;
    if (channelId === undefined) return undefined;
    return this.holds.find((hold) => hold.active && (hold.channelId === undefined || hold.channelId === channelId));
  }

  /** Leaves `res` unanswered until the hold is released; a response whose connection closes first is forgotten. */
  park(hold: HoldState, record: RecordedRequest, res: ServerResponse, reply: Reply): void {
    const pending = { record, res, reply };
    hold.pending.push(pending);
    res.on('close', () => { const at = hold.pending.indexOf(pending); if (at >= 0) hold.pending.splice(at, 1); });
  }

  private release(hold: HoldState): void {
    hold.active = false;
    this.holds.splice(this.holds.indexOf(hold), 1);
    for (const { record, res, reply } of hold.pending.splice(0)) {
      record.held = false;
      if (!res.destroyed) write(res, reply);
    }
  }
}
