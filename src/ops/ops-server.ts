import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { Metrics } from './metrics.ts';
import type { CheckResult, ReadinessCheck } from './readiness.ts';

export type OpsServerOptions = {
  /** TCP port; 0 picks a free one (the returned `port` says which). */
  port: number;
  /** Address to bind, e.g. 127.0.0.1. Keep it private: /metrics is not for the public. */
  host: string;
  /** The registry /metrics serves (the process's `metrics`, or a test's `createMetrics()`). */
  metrics: Pick<Metrics, 'registry'>;
  /** What /readyz runs, by name, all at once. The server stays generic: the bot decides what "ready" means. */
  checks: Record<string, ReadinessCheck>;
  log: Logger;
  /** A check that has not answered after this many milliseconds counts as not ok ("timed out"). Default 2000. */
  checkTimeoutMs?: number;
};

export type OpsServer = {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  port: number;
  /** Stops listening and drops every connection, keep-alive ones included. */
  close(): Promise<void>;
};

export type Readiness = { status: 'ready' | 'not ready'; checks: Record<string, CheckResult> };

const ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: 'timed out' }), timeoutMs);
  });
  try {
    // Promise.resolve().then: a check that throws synchronously is a failed check, not a crashed request.
    const answered = Promise.resolve()
      .then(check)
      .then(({ ok, detail }): CheckResult => ({ ok, ...(detail === undefined ? {} : { detail }) }))
      .catch((err: unknown): CheckResult => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; ready only when all are ok. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
  return { status: results.every(([, result]) => result.ok) ? 'ready' : 'not ready', checks: Object.fromEntries(results) };
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);

/**
 * The operations listener: `GET /healthz` (liveness: 200 while the event loop turns), `GET /readyz`
 * (200 or 503 with each check's result) and `GET /metrics` (Prometheus text). Anything else is 404,
 * and another method on these paths 405.
 *
 * @example const ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, metrics, checks, log });
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { metrics, checks, log } = options;
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  let lastStatus: Readiness['status'] | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
    if (!ROUTES.has(path)) return sendJson(res, 404, { error: `no such endpoint: ${path}; try /healthz, /readyz or /metrics` });
    if (req.method !== 'GET') return sendJson(res, 405, { error: `${req.method ?? '?'} not allowed; use GET` }, { Allow: 'GET' });
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const result = await checkReadiness(checks, timeoutMs);
      // Probes come every few seconds: only a change is worth a line.
      if (result.status !== lastStatus) {
        if (result.status === 'ready') log.info({ checks: result.checks }, 'ready');
        else log.warn({ checks: result.checks }, 'not ready');
        lastStatus = result.status;
      }
      return sendJson(res, result.status === 'ready' ? 200 : 503, result);
    }
    return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err, path: req.url }, 'ops request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`The ops listener could not bind ${options.host}:${options.port} (OPS_HOST/OPS_PORT): ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'ops listener error'));

  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info({ url }, 'ops listener ready (/healthz, /readyz, /metrics)');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // server.close() waits for open sockets; a scraper's keep-alive connection would hold it for its idle timeout.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
