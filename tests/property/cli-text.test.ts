import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { briefText } from '../../src/render/cli-text.ts';
import { brief, text } from './arbitraries.ts';

describe('CLI brief text on arbitrary briefs', () => {
  it('never throws, ends with a newline and shows every point and source URL', () => {
    fc.assert(
      fc.property(brief(), text(4), (value, title) => {
        const rendered = briefText(value, title);
        expect(rendered.endsWith('\n')).toBe(true);
        const missing = [...value.points.map((point) => point.text), ...value.sources.map((source) => source.url)].filter((shown) => !rendered.includes(shown));
        expect(missing).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
