import type { FeedState as FeedStateType, FeedStateStore } from '../ingest/feed-state.ts';
import { FeedState } from '../ingest/feed-state.ts';
import type { Logger } from '../log.ts';
import { openKeyv } from './open-keyv.ts';

/**
 * Feed state in the "feed-state" namespace keyed by feed URL: validators for conditional GET and
 * the backoff of a failing feed. Parsed on read; a record that no longer parses is treated as a
 * feed never fetched (it costs one unconditional request).
 */
export function keyvFeedState(url: string, log: Logger, namespacePrefix = ''): FeedStateStore {
  const keyv = openKeyv<unknown>(url, `${namespacePrefix}feed-state`, log);
  const parse = (raw: unknown): FeedStateType | undefined => {
    if (raw === undefined || raw === null) return undefined;
    const parsed = FeedState.safeParse(raw);
    if (!parsed.success) log.warn({ issues: parsed.error.issues.length }, 'stored feed state does not match the schema; ignoring it');
    return parsed.success ? parsed.data : undefined;
  };
  return {
    get: async (feedUrl) => parse(await keyv.get(feedUrl)),
    async set(state) {
      await keyv.set(state.url, FeedState.parse(state));
    },
    async all() {
      if (!keyv.iterator) throw new Error('This store cannot list its keys; use sqlite:// or redis://.');
      const states: FeedStateType[] = [];
      for await (const [, raw] of keyv.iterator(undefined)) {
        const state = parse(raw);
        if (state) states.push(state);
      }
      return states;
    },
    close: () => keyv.disconnect(),
  };
}

export type FeedStateView = FeedStateType & { status: 'ok' | 'backing-off' | 'failing' };

/** For /sources: every known feed, failing ones first, each with a one-word status. */
export async function feedStates(store: FeedStateStore, now: Date): Promise<FeedStateView[]> {
  const views = (await store.all()).map((state): FeedStateView => ({
    ...state,
    status: state.failures === 0 ? 'ok' : state.nextAttemptAt && state.nextAttemptAt > now ? 'backing-off' : 'failing',
  }));
  return views.sort((a, b) => b.failures - a.failures || a.url.localeCompare(b.url));
}
