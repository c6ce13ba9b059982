import type { LookupAddress } from 'node:dns';
import { isIPv6, type LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import PQueue from 'p-queue';
import { Agent, errors, request } from 'undici';
import type { Result } from '../model.ts';
import { decodeBody } from './decode-charset.ts';
import type { Fetched, FetchFailure, Fetcher, FetchRequest, Validators } from './fetcher.ts';
import { robotsRules, type RobotsAnswer } from './robots-rules.ts';
import { ssrfGuard, type Resolve } from './ssrf-guard.ts';

export type HttpFetcherOptions = {
  /** Sent on every request; names the bot and how to reach its operator. */
  userAgent: string;
  /** The product token robots.txt rules are matched against. */
  robotsToken: string;
  /** TCP + TLS connect timeout, ms. */
  connectTimeoutMs: number;
  /** Whole fetch including every redirect hop and the body, ms. */
  totalTimeoutMs: number;
  /** Decompressed body limit, bytes; a longer body is cut off and the fetch fails. */
  maxBytes: number;
  /** Redirects followed before giving up; each hop is checked against the SSRF guard. */
  maxRedirects: number;
  /** Minimum gap between two requests to one host, ms (one request per host at a time regardless). */
  hostDelayMs: number;
  /** How long a host's robots.txt is trusted, ms. */
  robotsTtlMs: number;
  /** Test-only: allow 127.0.0.0/8 and ::1 (FEEDS_ALLOW_LOOPBACK). Nothing else private. */
  allowLoopback: boolean;
};

export const HTTP_FETCHER_DEFAULTS = {
  userAgent: 'briefing-bot/0.1 (news briefing bot; polls public feeds, honours robots.txt)',
  robotsToken: 'briefing-bot',
  connectTimeoutMs: 10_000, // 10 s
  totalTimeoutMs: 30_000, // 30 s
  maxBytes: 5 * 1024 * 1024, // 5 MiB: a large feed is ~1 MiB
  maxRedirects: 5,
  hostDelayMs: 1_000, // 1 s
  robotsTtlMs: 6 * 60 * 60_000, // 6 h
  allowLoopback: false,
} as const satisfies Required<HttpFetcherOptions>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = {
  feed: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  page: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5',
  robots: 'text/plain, */*;q=0.5',
};

type Hop = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer | undefined };
type Fail = { ok: false; error: FetchFailure };
const failure = (code: FetchFailure['code'], url: string, detail: string, extra: Partial<FetchFailure> = {}): Fail => ({ ok: false, error: { code, url, detail, ...extra } });
const header = (headers: Hop['headers'], name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Reads at most `maxBytes` of decompressed body; past that it stops reading and destroys the stream. */
async function readCapped(body: Readable, encoding: string | undefined, maxBytes: number): Promise<Buffer | 'too-large'> {
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'br' ? createBrotliDecompress() : encoding === 'deflate' ? createInflate() : undefined;
  const stream: Readable = decoder ? pipeline(body, decoder, () => undefined) : body;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      stream.destroy();
      body.destroy();
      return 'too-large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The one adapter that fetches from the web: undici with a pinned, SSRF-checked DNS lookup,
 * manual redirects (each hop checked), one request per host at a time with a gap between them,
 * conditional GET, a byte cap, gzip/deflate/br and legacy charsets.
 */
export function httpFetcher(options: Partial<HttpFetcherOptions> & { resolve?: Resolve; now?: () => number } = {}): Fetcher {
  const settings = { ...HTTP_FETCHER_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  const guard = ssrfGuard({ allowLoopback: settings.allowLoopback, ...(options.resolve ? { resolve: options.resolve } : {}) });
  /** Addresses checked for each host just before its request; the socket connects to one of these. */
  const pinned = new Map<string, string[]>();
  const pinnedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const reply = (addresses: string[]) => {
      const entries: LookupAddress[] = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
      const first = entries[0]!;
      if (lookupOptions.all) callback(null, entries);
      else callback(null, first.address, first.family);
    };
    const known = pinned.get(hostname);
    if (known) return reply(known);
    void guard.check(new URL(`http://${hostname}/`)).then((verdict) => {
      if (verdict.ok) reply(verdict.value);
      else callback(Object.assign(new Error(verdict.error.reason), { code: 'EREFUSED' }), '');
    });
  };
  const agent = new Agent({
    connect: { timeout: settings.connectTimeoutMs, lookup: pinnedLookup },
    headersTimeout: settings.totalTimeoutMs,
    bodyTimeout: settings.totalTimeoutMs,
  });
  const queues = new Map<string, PQueue>();
  const queueFor = (host: string) => {
    let queue = queues.get(host);
    if (!queue) {
      queue = new PQueue({ concurrency: 1, ...(settings.hostDelayMs > 0 ? { interval: settings.hostDelayMs, intervalCap: 1, strict: true } : {}) });
      queues.set(host, queue);
    }
    return queue;
  };

  /** One request, queued on its host; the body is read only for a 2xx the caller wants. */
  const hop = (url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Hop> =>
    queueFor(url.host).add(
      async () => {
        const response = await request(url, { dispatcher: agent, method: 'GET', headers, signal });
        const responseHeaders = response.headers as Hop['headers'];
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump();
          return { status: response.statusCode, headers: responseHeaders, body: undefined };
        }
        const length = Number(header(responseHeaders, 'content-length'));
        if (length > settings.maxBytes) {
          response.body.destroy();
          throw new TooLarge(`${length} bytes declared; the limit is ${settings.maxBytes}`);
        }
        const body = await readCapped(response.body, header(responseHeaders, 'content-encoding')?.toLowerCase().trim(), settings.maxBytes);
        if (body === 'too-large') throw new TooLarge(`cut off after ${settings.maxBytes} bytes`);
        return { status: response.statusCode, headers: responseHeaders, body };
      },
    );

  const follow = async (wanted: { url: string; purpose: FetchRequest['purpose'] | 'robots'; validators?: Validators | undefined }): Promise<Result<Fetched, FetchFailure>> => {
    const timeout = AbortSignal.timeout(settings.totalTimeoutMs);
    let url: URL;
    try {
      url = new URL(wanted.url);
    } catch {
      return failure('bad-url', wanted.url, `"${wanted.url}" is not a URL`);
    }
    const headers: Record<string, string> = { 'user-agent': settings.userAgent, accept: ACCEPT[wanted.purpose], 'accept-encoding': 'gzip, deflate, br' };
    if (wanted.validators?.etag) headers['if-none-match'] = wanted.validators.etag;
    if (wanted.validators?.lastModified) headers['if-modified-since'] = wanted.validators.lastModified;
    try {
      for (let redirects = 0; ; redirects++) {
        const verdict = await guard.check(url);
        if (!verdict.ok) return failure(verdict.error.class === 'scheme' ? 'bad-url' : 'refused-address', wanted.url, verdict.error.reason);
        pinned.set(url.hostname, verdict.value);
        if (wanted.purpose === 'page' && !(await robots.allows(url))) return failure('robots-disallowed', wanted.url, url.href);
        const response = await hop(url, headers, timeout);
        const location = header(response.headers, 'location');
        if (REDIRECTS.has(response.status) && location) {
          if (redirects >= settings.maxRedirects) return failure('too-many-redirects', wanted.url, `more than ${settings.maxRedirects}, last to ${location}`);
          url = new URL(location, url);
          continue;
        }
        const validators = { etag: header(response.headers, 'etag'), lastModified: header(response.headers, 'last-modified') };
        if (response.status === 304) return { ok: true, value: { status: 304, url: wanted.url, finalUrl: url.href, validators: { ...wanted.validators, ...defined(validators) } } };
        if (!response.body) {
          const retryAfter = retryAfterMs(header(response.headers, 'retry-after'), now());
          return failure('http-status', wanted.url, url.href, { status: response.status, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
        }
        const contentType = header(response.headers, 'content-type');
        const { text, charset } = decodeBody(response.body, contentType);
        return { ok: true, value: { status: 200, url: wanted.url, finalUrl: url.href, text, contentType, charset, bytes: response.body.length, validators } };
      }
    } catch (err) {
      if (err instanceof TooLarge) return failure('too-large', wanted.url, err.message);
      if (timeout.aborted || err instanceof errors.ConnectTimeoutError || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
        return failure('timeout', wanted.url, `no complete answer within ${settings.totalTimeoutMs} ms`);
      }
      const cause = (err as Error & { cause?: Error }).cause;
      return failure('network', wanted.url, `${(err as NodeJS.ErrnoException).code ?? (err as Error).name}: ${(cause ?? (err as Error)).message}`);
    }
  };

  const fetchRobots = async (robotsUrl: string): Promise<RobotsAnswer> => {
    const result = await follow({ url: robotsUrl, purpose: 'robots' });
    if (result.ok) return { status: result.value.status, text: result.value.status === 200 ? result.value.text : '' };
    if (result.error.code === 'http-status') return { status: result.error.status ?? 500, text: '' };
    return { unreachable: result.error.detail };
  };
  const robots = robotsRules(fetchRobots, { token: settings.robotsToken, ttlMs: settings.robotsTtlMs, now });

  return {
    fetch: (fetchRequest) => follow(fetchRequest),
    close: () => agent.close(),
  };
}

class TooLarge extends Error {
  override name = 'TooLarge';
}

const defined = (validators: Validators): Validators =>
  Object.fromEntries(Object.entries(validators).filter(([, value]) => value !== undefined)) as Validators;
