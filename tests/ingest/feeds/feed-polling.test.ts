import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startFeedPolling } from '../../../src/ingest/feed-polling.ts';
import { silentLogger } from '../../../src/log.ts';
import { captureLog } from '../../support/capture-log.ts';

const until = async (condition: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
};

describe('feed polling', () => {
  it('runs at once, then again after each run ends, never two runs at a time', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const stop = startFeedPolling(async () => {
      running++;
      most = Math.max(most, running);
      await sleep(40); // longer than the interval: a timer-based poller would overlap here
      running--;
      runs++;
    }, 5, silentLogger());
    await until(() => runs >= 3);
    await stop();
    expect(most).toBe(1);
  });

  it('logs a failed run and keeps polling', async () => {
    const { log, lines } = captureLog();
    let calls = 0;
    const stop = startFeedPolling(async () => {
      calls++;
      if (calls === 1) throw new Error('store unreachable');
    }, 5, log);
    await until(() => calls >= 2);
    await stop();
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'feed run failed', err: expect.objectContaining({ message: 'store unreachable' }) }));
  });

  it('waits for the run in progress when stopped, and starts no further run', async () => {
    let finished = false;
    let calls = 0;
    const stop = startFeedPolling(async () => {
      calls++;
      await sleep(30);
      finished = true;
    }, 5, silentLogger());
    await stop();
    expect(finished).toBe(true);
    await sleep(30);
    expect(calls).toBe(1);
  });
});
