import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../src/compose/compose-error.ts';
import { fixedComposer, type Composer } from '../../src/compose/composer.ts';
import type { Draft } from '../../src/compose/draft.ts';
import { withFallback } from '../../src/compose/with-fallback.ts';
import { captureLog } from '../support/capture-log.ts';
import { askRequest, briefRequest, extractiveDraft } from './fixtures.ts';

const failing = (err: unknown): Composer => ({ name: 'llm', label: 'm', compose: async () => { throw err; } });
const returning = (draft: Draft): Composer => ({ name: 'llm', label: 'm', compose: async () => draft });

describe('fallback composer', () => {
  it('passes the primary draft through when it has points', async () => {
    const draft: Draft = { claims: [{ text: 'x', citations: ['a'] }], composedBy: 'llm', notices: [] };
    expect(await withFallback(returning(draft), fixedComposer(extractiveDraft), captureLog().log).compose(briefRequest)).toBe(draft);
  });

  it('says "answer" rather than "brief" when a question falls back', async () => {
    const draft = await withFallback(failing(new ComposeError('bad-key', 'x', 401)), fixedComposer(extractiveDraft), captureLog().log).compose(askRequest);
    expect(draft.notices).toEqual(['The model rejected the API key (401); showing the offline extractive answer instead.']);
  });

  it('keeps the backup draft’s own notices after the fallback notice', async () => {
    const backup = fixedComposer({ ...extractiveDraft, notices: ['Some sources were cut short by a paywall.'] });
    const draft = await withFallback(failing(new ComposeError('timeout', 'x')), backup, captureLog().log).compose(briefRequest);
    expect(draft.notices).toEqual(['The model did not answer within OPENAI_TIMEOUT_SECONDS; showing the offline extractive brief instead.', 'Some sources were cut short by a paywall.']);
  });

  it('falls back on an unexpected error too, and logs it as an error', async () => {
    const { log, lines } = captureLog();
    const draft = await withFallback(failing(new TypeError('bug')), fixedComposer(extractiveDraft), log).compose(briefRequest);
    expect(draft.notices).toEqual(['The model composer failed unexpectedly; showing the offline extractive brief instead.']);
    expect(lines.find((l) => l.msg === 'composer failed unexpectedly; using the backup')).toMatchObject({ level: 50 });
  });

  it('shows the backup instead of an empty brief', async () => {
    const draft = await withFallback(returning({ claims: [], composedBy: 'llm', notices: [] }), fixedComposer(extractiveDraft), captureLog().log).compose(briefRequest);
    expect(draft.composedBy).toBe('extractive');
    expect(draft.claims).toEqual(extractiveDraft.claims);
  });

  it('does not hand two callers the same backup draft object', async () => {
    const composer = withFallback(failing(new ComposeError('server-error', 'x', 503)), fixedComposer(extractiveDraft), captureLog().log);
    const a = await composer.compose(briefRequest);
    a.claims.pop();
    expect((await composer.compose(briefRequest)).claims).toHaveLength(3);
  });

  it('throws when the backup itself fails, since that is a bug', async () => {
    await expect(withFallback(failing(new ComposeError('timeout', 'x')), failing(new Error('backup broke')), captureLog().log).compose(briefRequest)).rejects.toThrow('backup broke');
  });
});
