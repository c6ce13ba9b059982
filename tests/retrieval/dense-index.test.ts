import { describe, expect, it } from 'vitest';
import { DenseIndex, normalise } from '../../src/retrieval/dense-index.ts';

/** A seeded generator, so the brute-force comparison is the same every run. */
function random(seed: number) {
  return () => ((seed = Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

describe('dense index', () => {
  it('ranks by cosine, not by vector length', () => {
    const index = DenseIndex.fromVectors([[10, 0], [0.6, 0.8], [0, 1]]);
    expect(index.search([0, 3], 3).map((hit) => hit.id)).toEqual([2, 1, 0]);
    expect(index.search([0, 3], 1)[0]?.score).toBeCloseTo(1, 6);
  });

  it('finds the same top 10 as a brute-force cosine over 500 random vectors', () => {
    const next = random(7);
    const vectors = Array.from({ length: 500 }, () => Array.from({ length: 24 }, () => next() - 0.5));
    const query = Array.from({ length: 24 }, () => next() - 0.5);
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    const expected = vectors.map((v, id) => ({ id, score: cos(v, query) })).sort((a, b) => b.score - a.score).slice(0, 10);
    const found = DenseIndex.fromVectors(vectors).search(query, 10);
    expect(found.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    found.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 5));
  });

  it('skips rows the filter rejects', () => {
    const index = DenseIndex.fromVectors([[1, 0], [1, 0.1], [0, 1]]);
    expect(index.search([1, 0], 2, (id) => id !== 0).map((hit) => hit.id)).toEqual([1, 2]);
  });

  it('scores a zero vector 0 instead of NaN', () => {
    expect(DenseIndex.fromVectors([[0, 0], [1, 0]]).search([1, 0], 2)).toEqual([{ id: 1, score: 1 }, { id: 0, score: 0 }]);
  });

  it('refuses a query with the wrong number of dimensions', () => {
    expect(() => DenseIndex.fromVectors([[1, 0]]).search([1, 0, 0], 1)).toThrow('query has 3 dimensions, expected 2');
  });

  it('stores rows at unit length in one Float32Array', () => {
    const index = DenseIndex.fromVectors([[3, 4]]);
    expect(index.matrix).toBeInstanceOf(Float32Array);
    expect([...index.matrix]).toEqual([...normalise([3, 4])]);
    expect(index.matrix[0]).toBeCloseTo(0.6, 6);
  });
});
