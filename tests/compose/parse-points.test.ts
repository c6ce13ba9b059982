import { describe, expect, it } from 'vitest';
import { parsePoints } from '../../src/compose/parse-points.ts';

const one = { points: [{ text: 'A.', citations: [1] }] };

describe('reading the model reply', () => {
  it('reads plain JSON', () => expect(parsePoints(JSON.stringify(one))).toEqual({ ok: true, value: one }));
  it('reads JSON inside a code fence', () => expect(parsePoints('```json\n{"points":[{"text":"A.","citations":[1]}]}\n```')).toEqual({ ok: true, value: one }));
  it('reads JSON with prose before and after', () => expect(parsePoints('Here: {"points":[{"text":"A.","citations":[1]}]} Hope it helps {:')).toEqual({ ok: true, value: one }));
  it('reads braces inside strings without losing its place', () =>
    expect(parsePoints('{"points":[{"text":"A {b} \\"c\\" }","citations":[2]}]}')).toEqual({ ok: true, value: { points: [{ text: 'A {b} "c" }', citations: [2] }] } }));
  it('accepts a bare array of points', () => expect(parsePoints('[{"text":"A.","citations":[1]}]')).toEqual({ ok: true, value: one }));
  it('skips points with empty text', () => expect(parsePoints('{"points":[{"text":" ","citations":[1]},{"text":"A.","citations":[1]}]}')).toEqual({ ok: true, value: one }));
  it('keeps citation numbers out of range for the verifier', () => expect(parsePoints('{"points":[{"text":"A.","citations":[0, 99]}]}')).toMatchObject({ ok: true, value: { points: [{ citations: [0, 99] }] } }));
  it('rejects an empty reply', () => expect(parsePoints('')).toEqual({ ok: false, error: 'the reply was empty' }));
  it('rejects a truncated reply', () => expect(parsePoints('{"points": [{"text": "Kim visited')).toEqual({ ok: false, error: 'the reply contained no complete JSON object' }));
  it('rejects JSON of the wrong shape and says which field', () => {
    const result = parsePoints('{"points":[{"text":"A.","citations":"1"}]}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('points[0].citations');
  });
});
