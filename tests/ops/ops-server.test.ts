import { request, Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { captureLog } from '../support/capture-log.ts';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server.ts';
import type { ReadinessCheck } from '../../src/ops/readiness.ts';

const ok: ReadinessCheck = async () => ({ ok: true, detail: 'connected' });
const down: ReadinessCheck = async () => ({ ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' });
const hangs: ReadinessCheck = () => new Promise(() => undefined);

describe('ops server', () => {
  let server: OpsServer | undefined;
  let metrics: Metrics;
  const start = async (checks: Record<string, ReadinessCheck>) => {
    server = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, checks, log: silentLogger(), checkTimeoutMs: 100 });
    return server;
  };
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server!.url}${path}`, init);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text(), headers: response.headers };
  };

  beforeEach(() => {
    metrics = createMetrics();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('GIVEN port 0 THEN it listens on a real port and says which', async () => {
    const { url, port } = await start({});
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
  });

  it('GIVEN a running process THEN /healthz answers 200 ok, whatever the checks say', async () => {
    await start({ store: down });
    expect(await get('/healthz')).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', text: '{"status":"ok"}' });
  });

  it('GIVEN every check ok THEN /readyz answers 200 with each check', async () => {
    await start({ gateway: ok, store: async () => ({ ok: true }) });
    const response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'ready', checks: { gateway: { ok: true, detail: 'connected' }, store: { ok: true } } });
  });

  it('GIVEN a failing, a hanging and a throwing check THEN /readyz answers 503 naming each, within the timeout', async () => {
    await start({
      gateway: ok,
      store: down,
      ingest: hangs,
      broken: async () => {
        throw new Error('feed state unreadable');
      },
    });
    const started = performance.now();
    const response = await get('/readyz');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.text)).toEqual({
      status: 'not ready',
      checks: {
        gateway: { ok: true, detail: 'connected' },
        store: { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' },
        ingest: { ok: false, detail: 'timed out' },
        broken: { ok: false, detail: 'feed state unreadable' },
      },
    });
  });

  it('GIVEN repeated probes THEN only a change of status is logged', async () => {
    let storeUp = false;
    const { log, lines } = captureLog();
    server = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, checks: { store: async () => ({ ok: storeUp }) }, log });
    for (const up of [false, false, true, true]) {
      storeUp = up;
      await get('/readyz');
    }
    expect(lines.filter((line) => line.msg !== 'ops listener ready (/healthz, /readyz, /metrics)').map((line) => line.msg)).toEqual(['not ready', 'ready']);
  });

  it('GIVEN recorded metrics THEN /metrics serves them as Prometheus text', async () => {
    metrics.interactions.inc({ command: 'brief', outcome: 'ok' });
    metrics.ingested.inc({ source: 'file', result: 'added' }, 3);
    await start({});
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.type).toBe(metrics.registry.contentType);
    expect(response.text).toContain('# TYPE briefing_interactions_total counter');
    expect(response.text).toContain('briefing_interactions_total{command="brief",outcome="ok"} 1');
    expect(response.text).toContain('briefing_ingest_articles_total{source="file",result="added"} 3');
  });

  it('GIVEN an unknown path THEN 404, and GIVEN another method on a known path THEN 405 with Allow: GET', async () => {
    await start({});
    expect((await get('/')).status).toBe(404);
    expect((await get('/healthz/extra')).status).toBe(404);
    const post = await get('/metrics', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await get('/healthz?verbose=1')).status).toBe(200);
  });

  it('GIVEN a keep-alive connection left open THEN close() finishes at once', async () => {
    await start({});
    const agent = new Agent({ keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        request(`${server!.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        }).on('error', reject).end();
      });
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // the idle keep-alive socket
      const started = performance.now();
      await server!.close();
      expect(performance.now() - started).toBeLessThan(500);
      server = undefined;
    } finally {
      agent.destroy();
    }
  });

  it('GIVEN a port already taken THEN starting fails naming OPS_PORT', async () => {
    const first = await start({});
    await expect(startOpsServer({ port: first.port, host: '127.0.0.1', metrics, checks: {}, log: silentLogger() })).rejects.toThrow(/could not bind 127\.0\.0\.1:\d+ \(OPS_HOST\/OPS_PORT\): .*EADDRINUSE/);
  });
});
