// The HTTP side of the double: records every request (decoded path, parsed JSON or multipart), answers it with a
// fault, a hold or the first matching route, and lets tests wait for a request.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FaultInjector } from './discord-faults.ts';
import { error, write } from './discord-replies.ts';
import { parseJson } from './discord-types.ts';
import type { RecordedFile, RecordedRequest, Reply, Route } from './discord-types.ts';

interface Waiter { check: () => boolean; cancel: () => void }

export class DiscordHttp {
  readonly requests: RecordedRequest[] = [];
  readonly unmatched: RecordedRequest[] = [];
  readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      this.violations.push(`the double failed on ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly routes: Route[], private readonly injector: FaultInjector, private readonly violations: string[]) {}

  /** Listens on an ephemeral 127.0.0.1 port and returns it. */
  async listen(): Promise<number> {
    await once(this.server.listen(0, '127.0.0.1'), 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // destroys the sockets of held requests too
    await new Promise<void>((done) => this.server.close(() => done()));
    for (const waiter of [...this.waiters]) waiter.cancel();
  }

  waitForRequest(predicate: (req: RecordedRequest) => boolean, timeoutMs: number, fromIndex: number): Promise<RecordedRequest> {
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
    const hold = reply.status < 300 ? this.injector.holdFor(record) : undefined;
    if (hold) record.held = true;
    this.requests.push(record);
    for (const waiter of [...this.waiters]) waiter.check();
    if (hold) this.injector.park(hold, record, res, reply);
    else write(res, reply);
  }

  private reply(req: RecordedRequest): Reply {
    const faulted = this.injector.answer(req);
    if (faulted) return faulted;
    for (const [methods, pattern, handler] of this.routes) {
      const match = methods.split('|').includes(req.method) ? pattern.exec(req.path) : null;
      if (match) return handler(req, ...match.slice(1));
    }
    this.unmatched.push(req);
    return error(404, 0, '404: Not Found');
  }
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
