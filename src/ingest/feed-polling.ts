import type { Logger } from '../log.ts';

/**
 * Runs `run` now and then `intervalMs` after each run ends, so two runs never overlap however long
 * one takes. A failed run is logged and the next one still happens. The returned function stops
 * the polling and resolves once a run in progress has finished.
 */
export function startFeedPolling(run: () => Promise<unknown>, intervalMs: number, log: Logger): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    timer = undefined;
    running = run()
      .then(
        () => undefined,
        (err: unknown) => log.error({ err }, 'feed run failed'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
