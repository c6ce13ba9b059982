import type { Logger } from '../log.ts';
import { ComposeError } from './compose-error.ts';
import { citedOf, type Composer } from './composer.ts';
import { verifyDraft, type VerifyOptions } from './verify-citations.ts';

/**
 * Checks an LLM draft against the sources it was handed (verifyDraft) and attaches the counts as
 * `draft.verification`. When the model wrote points and none survives, it throws
 * ComposeError('unsupported') so that withFallback shows the extractive draft instead of nothing.
 * Extractive drafts quote their sources verbatim and pass through unchanged.
 */
export function verifiedComposer(inner: Composer, options: VerifyOptions, log: Logger): Composer {
  return {
    name: inner.name,
    label: inner.label,
    ...(inner.cacheKey ? { cacheKey: inner.cacheKey.bind(inner) } : {}),
    async compose(request, composeOptions) {
      const draft = await inner.compose(request, composeOptions);
      if (draft.composedBy !== 'llm') return draft;
      const { draft: checked, verification } = verifyDraft(draft, citedOf(request), options);
      const { points, supported, dropped, marked, reasons } = verification;
      if (supported < points) log.warn({ composer: inner.label, points, supported, dropped, marked, reasons }, 'unsupported points');
      else log.info({ composer: inner.label, points, supported }, 'every point verified');
      if (points > 0 && checked.claims.length === 0) {
        throw new ComposeError('unsupported', `None of the model's ${points} points was supported by its cited sources: ${reasons.join('; ')}`);
      }
      return { ...checked, verification };
    },
  };
}
