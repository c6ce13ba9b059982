import { beforeAll, describe, expect, it } from 'vitest';
import type { Composer } from '../../src/compose/composer.ts';
import type { Draft } from '../../src/compose/draft.ts';
import { briefRequest } from './fixtures.ts';

/** What every composer must do, whatever writes the text (STYLE 3.6). */
export function composerContract(label: string, makeComposer: () => Promise<Composer>) {
  describe(`${label} composer`, () => {
    let composer: Composer;
    let draft: Draft;
    beforeAll(async () => {
      composer = await makeComposer();
      draft = await composer.compose(briefRequest);
    });

    it('cites only passages it was handed', () => {
      const handed = new Set(briefRequest.sources.map((source) => source.passage.id));
      expect(draft.claims.flatMap((claim) => claim.citations).filter((id) => !handed.has(id))).toEqual([]);
    });
    it('never returns a claim without a citation', () => expect(draft.claims.filter((claim) => claim.citations.length === 0)).toEqual([]));
    it('returns at least one claim for sources that say something', () => expect(draft.claims.length).toBeGreaterThan(0));
    it('says which kind of composer wrote the draft', () => expect(draft.composedBy).toBe(composer.name));
    it('has a label for the reader', () => expect(composer.label).not.toBe(''));
    it('dates every claim by a source it cites', () => {
      const days = new Set(briefRequest.sources.map((s) => s.article.publishedAt.toISOString().slice(0, 10)));
      for (const claim of draft.claims) expect(days.has(claim.date ?? '')).toBe(true);
    });
  });
}
