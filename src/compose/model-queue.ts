import { ComposeError } from './compose-error.ts';

export type ModelQueueOptions = {
  /** Model calls running at once (LLM_CONCURRENCY); at least 1. */
  concurrency: number;
  /** Calls that may wait for a slot (LLM_QUEUE_MAX); the next one is refused with ComposeError('busy'). 0: nobody waits. */
  maxWaiting: number;
  /** Least time between two `onQueued` calls to one waiter, in milliseconds; default 10,000: each one edits a Discord message, and under load those edits would eat the 50 requests/s the answers need. */
  progressIntervalMs?: number;
};

export type QueueTicket = {
  /** Lanes (Discord servers) take turns, so one server's burst does not push the others back. Default: '' (one lane for the CLI). */
  lane?: string | undefined;
  /** How many start before this call: once when it has to wait, then only lower numbers, at most once per progressIntervalMs. */
  onQueued?: ((ahead: number) => void) | undefined;
  /** Aborting leaves the line (ComposeError('aborted')); a call already running is the work's own business. */
  signal?: AbortSignal | undefined;
};

export type ModelQueue = {
  run<T>(work: () => Promise<T>, ticket?: QueueTicket): Promise<T>;
  /** Calls running now. */
  readonly running: number;
  /** Calls waiting for a slot. */
  readonly waiting: number;
};

type Waiter = { lane: string; start: () => void; report: (ahead: number) => void };

const aborted = (signal: AbortSignal | undefined) =>
  new ComposeError('aborted', 'The caller stopped waiting for the model', undefined, { cause: signal?.reason });

/** Calls `onQueued` with improvements only, the first at once and later ones no closer together than `intervalMs`. */
function progressReporter(onQueued: ((ahead: number) => void) | undefined, intervalMs: number) {
  let shown: number | undefined;
  let shownAt = Number.NEGATIVE_INFINITY;
  let pending: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const show = (ahead: number) => {
    shown = ahead;
    shownAt = performance.now();
    pending = undefined;
    try {
      onQueued?.(ahead);
    } catch {
      // A failing progress callback must not stall the line; the caller still gets its result.
    }
  };
  return {
    report(ahead: number) {
      if (!onQueued || (shown !== undefined && ahead >= (pending ?? shown))) return;
      const wait = shownAt + intervalMs - performance.now();
      if (wait <= 0) return show(ahead);
      pending = ahead;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending !== undefined) show(pending);
      }, wait).unref();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}

/**
 * The one line in front of the model, per process: `concurrency` calls run, up to `maxWaiting` wait, and the
 * rest are refused at once with ComposeError('busy') (the caller falls back to the extractive text) rather
 * than waiting behind a queue they would time out in. Waiters are served lane by lane in turn, first come
 * first served within a lane. A lane that joins later may slot in ahead of a long one, so a waiter's count
 * can go up; it is only ever reported going down.
 */
export function modelQueue(options: ModelQueueOptions): ModelQueue {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const intervalMs = options.progressIntervalMs ?? 10_000;
  /** Each lane's waiters, first come first; the Map's order is the turn order. */
  const lanes = new Map<string, Waiter[]>();
  let running = 0;
  let waiting = 0;

  /** Every waiter in the order it will start: each lane's first in turn, then each lane's second, and so on. */
  const startOrder = (): Waiter[] => {
    const queues = [...lanes.values()];
    const order: Waiter[] = [];
    for (let round = 0; order.length < waiting; round++) {
      for (const queue of queues) {
        const waiter = queue[round];
        if (waiter) order.push(waiter);
      }
    }
    return order;
  };
  const reportPlaces = () => startOrder().forEach((waiter, ahead) => waiter.report(ahead));

  const remove = (waiter: Waiter): boolean => {
    const queue = lanes.get(waiter.lane);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    waiting--;
    if (queue.length === 0) lanes.delete(waiter.lane);
    return true;
  };

  /** The first lane's first waiter; the lane goes to the back of the turn order. */
  const next = (): Waiter | undefined => {
    const first = lanes.entries().next();
    if (first.done) return undefined;
    const [lane, queue] = first.value;
    const waiter = queue.shift();
    lanes.delete(lane);
    if (queue.length > 0) lanes.set(lane, queue);
    if (waiter) waiting--;
    return waiter;
  };

  const pump = () => {
    let started = false;
    while (running < concurrency) {
      const waiter = next();
      if (!waiter) break;
      running++;
      waiter.start();
      started = true;
    }
    if (started) reportPlaces();
  };

  const execute = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } finally {
      running--;
      pump();
    }
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return waiting;
    },
    async run(work, ticket = {}) {
      const { signal } = ticket;
      if (signal?.aborted) throw aborted(signal);
      if (running < concurrency && waiting === 0) {
        running++;
        return execute(work);
      }
      if (waiting >= options.maxWaiting) {
        throw new ComposeError('busy', `The model queue is full: ${running} running, ${waiting} waiting (LLM_CONCURRENCY, LLM_QUEUE_MAX)`);
      }
      await new Promise<void>((resolve, reject) => {
        const reporter = progressReporter(ticket.onQueued, intervalMs);
        const onAbort = () => {
          if (!remove(waiter)) return;
          reporter.stop();
          reject(aborted(signal));
          reportPlaces();
        };
        const waiter: Waiter = {
          lane: ticket.lane ?? '',
          report: reporter.report,
          start: () => {
            reporter.stop();
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const queue = lanes.get(waiter.lane);
        if (queue) queue.push(waiter);
        else lanes.set(waiter.lane, [waiter]);
        waiting++;
        reportPlaces();
      });
      return execute(work);
    },
  };
}
