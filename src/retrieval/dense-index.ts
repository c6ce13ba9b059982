import { TopK } from './top-k.ts';

/**
 * Passage embeddings as one row-major Float32Array, each row scaled to unit length, so the cosine of a
 * query and a row is their dot product. Exact search: at tens of thousands of passages a full scan takes
 * milliseconds and needs no approximate index to tune.
 */
export class DenseIndex {
  readonly size: number;

  private constructor(
    readonly dimensions: number,
    readonly matrix: Float32Array,
  ) {
    this.size = matrix.length / dimensions;
  }

  /** Rows in id order (row i is id i). A zero vector stays zero and scores 0 against everything. */
  static fromVectors(vectors: readonly ArrayLike<number>[], dimensions = vectors[0]?.length ?? 0): DenseIndex {
    const matrix = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, row) => {
      if (vector.length !== dimensions) throw new Error(`DenseIndex: vector ${row} has ${vector.length} dimensions, expected ${dimensions}`);
      matrix.set(normalise(vector), row * dimensions);
    });
    return new DenseIndex(dimensions, matrix);
  }

  /** The k rows most similar to the query (cosine), highest first; `accept` filters rows (e.g. by topic). */
  search(query: ArrayLike<number>, k: number, accept?: (id: number) => boolean): { id: number; score: number }[] {
    if (query.length !== this.dimensions) throw new Error(`DenseIndex: query has ${query.length} dimensions, expected ${this.dimensions}`);
    const q = normalise(query);
    const top = new TopK(Math.min(k, this.size));
    const { matrix, dimensions } = this;
    for (let row = 0; row < this.size; row++) {
      if (accept && !accept(row)) continue;
      let dot = 0;
      const offset = row * dimensions;
      for (let i = 0; i < dimensions; i++) dot += q[i]! * matrix[offset + i]!;
      top.push(row, dot);
    }
    return top.sorted();
  }
}

/** A unit-length copy (a zero vector stays zero). */
export function normalise(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  const out = new Float32Array(vector.length);
  if (norm > 0) for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}
