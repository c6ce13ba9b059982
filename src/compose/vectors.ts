import { tokenize } from '../retrieval/tokenize.ts';

/** A sparse TF-IDF vector, L2-normalised so a dot product is the cosine. */
export type Vector = Map<string, number>;

/** How often each index term occurs in the text. */
function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of tokenize(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

export const vectorOf = (text: string, idf: (term: string) => number): Vector => vectorFromCounts(termCounts(text), idf);

/** Log-scaled term frequency × idf, L2-normalised. */
function vectorFromCounts(counts: ReadonlyMap<string, number>, idf: (term: string) => number): Vector {
  const vector: Vector = new Map();
  let norm = 0;
  for (const [term, count] of counts) {
    const weight = (1 + Math.log(count)) * idf(term);
    if (weight <= 0) continue;
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}
