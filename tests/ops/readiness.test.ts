import { describe, expect, it } from 'vitest';
import { formatAge, gatewayCheck, ingestAgeCheck, storeCheck } from '../../src/ops/readiness.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = new Date('2026-11-27T12:00:00Z');
const at = (ms: number) => new Date(START.getTime() + ms);

describe('readiness checks', () => {
  it('GIVEN the gateway up or down THEN the gateway check follows it', async () => {
    let connected = true;
    const check = gatewayCheck(() => connected);
    expect(await check()).toEqual({ ok: true, detail: 'connected' });
    connected = false;
    expect(await check()).toEqual({ ok: false, detail: 'gateway not connected' });
  });

  it('GIVEN a ping that throws (Redis down) THEN the store check is not ok with the error message', async () => {
    expect(await storeCheck(async () => 'PONG')()).toEqual({ ok: true, detail: 'reachable' });
    expect(await storeCheck(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379\n    at stack')))()).toEqual({ ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' });
    expect(await storeCheck(() => Promise.reject(new Error('')))()).toEqual({ ok: false, detail: 'store ping failed' });
  });

  it('GIVEN feed polling off THEN the ingest check is ok whatever the last ingest', async () => {
    expect(await ingestAgeCheck(() => undefined, undefined, () => START)()).toEqual({ ok: true, detail: 'feed polling off' });
  });

  it('GIVEN a recent or a stale last success THEN the ingest check says how long ago', async () => {
    let now = START;
    let last: Date | undefined = at(-10 * MINUTE);
    const check = ingestAgeCheck(() => last, 2 * HOUR, () => now);
    expect(await check()).toEqual({ ok: true, detail: 'last successful ingest 10m ago; limit 2h' });
    last = at(-(3 * HOUR + 5 * MINUTE));
    expect(await check()).toEqual({ ok: false, detail: 'last successful ingest 3h 5m ago; limit 2h' });
    now = at(0);
    last = undefined;
    expect((await check()).ok).toBe(true);
  });

  it('GIVEN no success yet THEN the ingest check counts from start-up, and accepts an async source', async () => {
    let now = START;
    const check = ingestAgeCheck(async () => undefined, HOUR, () => now);
    expect(await check()).toEqual({ ok: true, detail: 'no successful ingest since start 0s ago; limit 1h' });
    now = at(HOUR + MINUTE);
    expect(await check()).toEqual({ ok: false, detail: 'no successful ingest since start 1h 1m ago; limit 1h' });
  });

  it('GIVEN ages from seconds to days THEN formatAge picks two units at most', () => {
    expect([45_000, 12 * MINUTE, 3 * HOUR + 5 * MINUTE, 2 * HOUR, 52 * HOUR, 48 * HOUR, -5].map(formatAge)).toEqual(['45s', '12m', '3h 5m', '2h', '2d 4h', '2d', '0s']);
  });
});
