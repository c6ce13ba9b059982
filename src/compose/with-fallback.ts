import type { Logger } from '../log.ts';
import { ComposeError, fallbackNotice, kindNoun } from './compose-error.ts';
import type { Composer } from './composer.ts';

/**
 * A composer that tries `primary` and, when it fails (bad key, rate limit or server error after the
 * SDK's retries, timeout, cancellation, unusable output, nothing supported, the model queue full, the
 * server's token budget spent) or has nothing to say, answers with `backup` and a notice that says why.
 * Never throws for those; only a failing backup throws. `options.onFallback` hears the reason.
 */
export function withFallback(primary: Composer, backup: Composer, log: Logger): Composer {
  return {
    name: primary.name,
    label: primary.label,
    ...(primary.cacheKey ? { cacheKey: primary.cacheKey.bind(primary) } : {}),
    async compose(request, options = {}) {
      try {
        const draft = await primary.compose(request, options);
        if (draft.claims.length > 0) return draft;
        // An empty brief is never the answer when the backup has one; an empty answer to a question may be.
        const fallback = await backup.compose(request);
        if (fallback.claims.length === 0) return draft;
        log.warn({ composer: primary.label, kind: request.kind }, 'the model returned no points; using the backup');
        options.onFallback?.('nothing-cited');
        const notice = `The model (${primary.label}) wrote nothing it could cite; showing the offline extractive ${kindNoun(request.kind)} instead.`;
        return { ...fallback, notices: [notice, ...fallback.notices] };
      } catch (err) {
        const known = err instanceof ComposeError;
        const code = known ? err.code : 'unexpected';
        if (known) log.warn({ err, code, composer: primary.label }, 'composer failed; using the backup');
        else log.error({ err, composer: primary.label }, 'composer failed unexpectedly; using the backup');
        options.onFallback?.(code);
        // The backup runs even when the caller cancelled: it is local and quick, and the reader still gets an answer.
        const fallback = await backup.compose(request);
        return { ...fallback, notices: [fallbackNotice(code, request.kind, known ? err.status : undefined), ...fallback.notices] };
      }
    },
  };
}
