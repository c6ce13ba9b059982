import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../src/compose/compose-error.ts';
import { modelQueue, type QueueTicket } from '../../src/compose/model-queue.ts';

/** A piece of work that runs until the test releases it, recording when it started. */
function gate(started: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => { release = resolve; });
  return { release, work: async () => { started.push(name); await done; return name; } };
}

const settle = () => new Promise((done) => setImmediate(done));

/** Every `onQueued` value a waiter was told, in order. */
function told(): { counts: number[]; ticket: (extra?: QueueTicket) => QueueTicket } {
  const counts: number[] = [];
  return { counts, ticket: (extra = {}) => ({ ...extra, onQueued: (ahead) => counts.push(ahead) }) };
}

describe('model queue', () => {
  it('runs at most `concurrency` calls at once and starts the next as one ends', async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 2, maxWaiting: 10, progressIntervalMs: 0 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => gate(started, name));
    const results = [queue.run(a!.work), queue.run(b!.work), queue.run(c!.work)];
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 2, waiting: 1 });
    a!.release();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 2, waiting: 0 });
    b!.release();
    c!.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('does not call onQueued for a call that starts at once', async () => {
    const queue = modelQueue({ concurrency: 1, maxWaiting: 1, progressIntervalMs: 0 });
    const { counts, ticket } = told();
    expect(await queue.run(async () => 'now', ticket())).toBe('now');
    expect(counts).toEqual([]);
  });

  it('tells a waiter how many are ahead of it, and again each time its place improves', async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 1, maxWaiting: 10, progressIntervalMs: 0 });
    const tasks = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const last = told();
    const results = tasks.map((task, i) => queue.run(task.work, i === 3 ? last.ticket() : {}));
    await settle();
    expect(last.counts).toEqual([2]);
    for (const task of tasks) {
      task.release();
      await settle();
    }
    await Promise.all(results);
    expect(last.counts).toEqual([2, 1, 0]);
  });

  it('refuses a call with ComposeError("busy") once LLM_QUEUE_MAX are waiting, without running it', async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 1, maxWaiting: 2, progressIntervalMs: 0 });
    const tasks = ['a', 'b', 'c'].map((name) => gate(started, name));
    const results = tasks.map((task) => queue.run(task.work));
    let ran = false;
    const refused = await queue.run(async () => { ran = true; }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ComposeError);
    expect(refused).toMatchObject({ code: 'busy' });
    expect(ran).toBe(false);
    for (const task of tasks) task.release();
    await Promise.all(results);
  });

  it('lets nobody wait when LLM_QUEUE_MAX is 0', async () => {
    const queue = modelQueue({ concurrency: 1, maxWaiting: 0 });
    const task = gate([], 'a');
    const first = queue.run(task.work);
    await expect(queue.run(async () => 'b')).rejects.toMatchObject({ code: 'busy' });
    task.release();
    await first;
  });

  it('takes a waiter whose caller gave up out of the line, and moves the ones behind it up', async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 1, maxWaiting: 10, progressIntervalMs: 0 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => gate(started, name));
    const controller = new AbortController();
    const behind = told();
    const first = queue.run(a!.work);
    const leaving = queue.run(b!.work, { signal: controller.signal }).catch((err: unknown) => err);
    const third = queue.run(c!.work, behind.ticket());
    await settle();
    controller.abort(new Error('interaction timed out'));
    expect(await leaving).toMatchObject({ code: 'aborted' });
    expect(behind.counts).toEqual([1, 0]);
    expect(queue.waiting).toBe(1);
    a!.release();
    c!.release();
    await Promise.all([first, third]);
    expect(started).toEqual(['a', 'c']);
  });

  it('refuses a call whose signal is already aborted', async () => {
    const queue = modelQueue({ concurrency: 1, maxWaiting: 1 });
    await expect(queue.run(async () => 'x', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
  });

  it("lets servers take turns, so one server's burst does not push another server back", async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 1, maxWaiting: 10, progressIntervalMs: 0 });
    const tasks = ['a1', 'a2', 'a3', 'a4', 'b1', 'c1'].map((name) => gate(started, name));
    const newcomer = told();
    const results = tasks.map((task, i) => {
      const lane = task === tasks[4] ? 'b' : task === tasks[5] ? 'c' : 'a';
      return queue.run(task.work, i === 4 ? newcomer.ticket({ lane }) : { lane });
    });
    await settle();
    expect(newcomer.counts).toEqual([1]); // a2 first (its server was already waiting), then b1
    for (const task of tasks) {
      task.release();
      await settle();
    }
    await Promise.all(results);
    expect(started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'a4']);
  });

  it('reports progress at most once per interval, ending with the latest count', async () => {
    const started: string[] = [];
    const queue = modelQueue({ concurrency: 1, maxWaiting: 10, progressIntervalMs: 80 });
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((name) => gate(started, name));
    const last = told();
    const results = tasks.map((task, i) => queue.run(task.work, i === 4 ? last.ticket() : {}));
    await settle();
    for (const task of tasks.slice(0, 3)) {
      task.release();
      await settle();
    }
    expect(last.counts).toEqual([3]); // 2, 1 and 0 came within the interval
    await new Promise((done) => setTimeout(done, 120));
    expect(last.counts).toEqual([3, 0]);
    for (const task of tasks.slice(3)) task.release();
    await Promise.all(results);
  });

  it('keeps serving when an onQueued callback throws', async () => {
    const queue = modelQueue({ concurrency: 1, maxWaiting: 10, progressIntervalMs: 0 });
    const task = gate([], 'a');
    const first = queue.run(task.work);
    const second = queue.run(async () => 'b', { onQueued: () => { throw new Error('Discord edit failed'); } });
    task.release();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
  });
});
