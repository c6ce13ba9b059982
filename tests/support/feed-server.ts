import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { REPO } from './temp-app.ts';

export const FEED_FIXTURES = join(REPO, 'tests/fixtures/feeds');

/** A server the test owns, on 127.0.0.1 and a port the OS picks (STYLE 3.9). */
export async function listen(handler: RequestListener) {
  const server = createServer(handler);
  await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  };
  return { url: `http://127.0.0.1:${port}`, port, close };
}

export type RecordedRequest = { path: string; headers: IncomingHttpHeaders };

const TYPES: Record<string, string> = { '.xml': 'application/rss+xml; charset=utf-8', '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8' };
/** Fixtures kept as UTF-8 text and served in the legacy encoding their XML declaration names. */
const LEGACY: Record<string, { encoding: string; contentType: string }> = {
  '/korean.xml': { encoding: 'euc-kr', contentType: 'application/rss+xml; charset=EUC-KR' },
  '/chinese.xml': { encoding: 'gbk', contentType: 'application/xml' }, // no charset: the XML declaration says GBK
};
const LAST_MODIFIED = 'Wed, 25 Nov 2026 12:00:00 GMT';

/**
 * Serves tests/fixtures/feeds with ETag and Last-Modified (304 on a matching conditional request),
 * plus the misbehaving endpoints the fetcher must survive:
 * /gzip/<file>, /br/<file>        the fixture compressed
 * /redirect/<n>/<file>            n redirects, then the fixture
 * /to-metadata, /to-private       a redirect to 169.254.169.254 / 10.0.0.7 (must be refused)
 * /slow.xml                       headers after `slowMs`
 * /huge.xml                       an endless-looking body of `hugeBytes`, no Content-Length
 * /status/<code>                  that status, with Retry-After on 429 and 503
 * /feeds/<file>                   like /<file>; lets two feed URLs share one fixture
 */
export async function feedServer(options: { slowMs?: number; hugeBytes?: number } = {}) {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const overrides = new Map<string, string>();

  const fixture = async (path: string): Promise<{ body: Buffer; contentType: string } | undefined> => {
    const override = overrides.get(path);
    const legacy = LEGACY[path];
    const file = normalize(join(FEED_FIXTURES, path));
    if (!file.startsWith(FEED_FIXTURES)) return undefined;
    const text = override ?? (await readFile(file, 'utf8').catch(() => undefined));
    if (text === undefined) return undefined;
    if (legacy) return { body: iconv.encode(text, legacy.encoding), contentType: legacy.contentType };
    return { body: Buffer.from(text, 'utf8'), contentType: TYPES[extname(path)] ?? 'application/octet-stream' };
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: Buffer | string) => {
    res.writeHead(status, headers);
    res.end(body);
  };

  const handler: RequestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    requests.push({ path, headers: req.headers });
    void (async () => {
      const redirect = /^\/redirect\/(\d+)(\/.+)$/.exec(path);
      if (redirect) {
        const left = Number(redirect[1]);
        return send(res, 302, { location: left > 1 ? `/redirect/${left - 1}${redirect[2]}` : redirect[2]! });
      }
      if (path === '/to-metadata') return send(res, 302, { location: 'http://169.254.169.254/latest/meta-data/' });
      if (path === '/to-private') return send(res, 301, { location: 'http://10.0.0.7/feed.xml' });
      if (path === '/slow.xml') {
        const timer = setTimeout(() => send(res, 200, { 'content-type': 'application/rss+xml' }, '<rss version="2.0"><channel><title>late</title></channel></rss>'), options.slowMs ?? 2000);
        timers.add(timer);
        return;
      }
      if (path === '/huge.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const total = options.hugeBytes ?? 4 * 1024 * 1024;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      const status = /^\/status\/(\d{3})$/.exec(path);
      if (status) {
        const code = Number(status[1]);
        return send(res, code, code === 429 || code === 503 ? { 'retry-after': '3600' } : {}, 'no');
      }
      const encoding = /^\/(gzip|br)(\/.+)$/.exec(path);
      const found = await fixture((encoding?.[2] ?? path).replace(/^\/feeds\//, '/'));
      if (!found) return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
      const etag = `"${createHash('sha1').update(found.body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === LAST_MODIFIED)) {
        return send(res, 304, { etag, 'last-modified': LAST_MODIFIED });
      }
      const headers = { 'content-type': found.contentType, etag, 'last-modified': LAST_MODIFIED };
      if (encoding?.[1] === 'gzip') return send(res, 200, { ...headers, 'content-encoding': 'gzip' }, gzipSync(found.body));
      if (encoding?.[1] === 'br') return send(res, 200, { ...headers, 'content-encoding': 'br' }, brotliCompressSync(found.body));
      return send(res, 200, headers, found.body);
    })().catch((err: unknown) => send(res, 500, {}, String(err)));
  };

  const server = await listen(handler);
  return {
    url: server.url,
    requests,
    /** Replaces a fixture's text for the rest of the suite (a feed that changed between runs). */
    override: (path: string, text: string) => overrides.set(path, text),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
  };
}
export type FeedServer = Awaited<ReturnType<typeof feedServer>>;

/**
 * An RSS 2.0 document for `server.override`: items dated now, linking back to `base`, each with enough words
 * that no article page is fetched, so a test's every request stays on the feed server.
 */
export function rssFixture(title: string, items: readonly { title: string; slug: string; lead: string }[], base: string): string {
  const body = 'Officials in Beijing and Pyongyang met again this week to discuss trade across the Yalu River, rail links, customs posts and the flow of goods over the Friendship Bridge, according to statements published by both governments after the talks. '.repeat(3);
  const entries = items.map(
    (item) => `<item><title>${item.title}</title><link>${base}/articles/${item.slug}.html</link><guid>${item.slug}</guid>` +
      `<pubDate>${new Date().toUTCString()}</pubDate><description>${item.lead}. ${body}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>${base}/</link>${entries.join('')}</channel></rss>`;
}
