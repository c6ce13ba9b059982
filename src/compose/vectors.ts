import { tokenize } from '../retrieval/tokenize.ts';

/**
 * A sparse TF-IDF vector, L2-normalised so a dot product is the cosine: term ids of one TermSpace in
 * order of first occurrence, and their weights.
 */
export type Vector = { readonly ids: Int32Array; readonly weights: Float64Array };

/** Article vectors a space keeps between briefs (≈ 4 KB each, so ≈ 30 MB at most); the least recently used go first. */
const REMEMBERED_VECTORS = 8_000;

/**
 * Term ids, their idf, and scratch arrays for the vectors of one index. A brief compares hundreds of
 * vectors; with ids and typed arrays a comparison hashes no strings. One space serves every brief on
 * the same index (idf only changes when the index does), so a term's id and idf are looked up once.
 */
export class TermSpace {
  private readonly ids = new Map<string, number>();
  private idfs = new Float64Array(4096);
  /** Scratch: a term's count while a vector is built, a vector's weight while a dot product runs; zero between calls. */
  private counts = new Int32Array(4096);
  private dense = new Float64Array(4096);
  /** The weights of the vector `pin` was given, zero elsewhere. */
  private pinned = new Float64Array(4096);
  private readonly remembered = new Map<string, { version: string; vector: Vector }>();

  constructor(private readonly idf: (term: string) => number) {}

  private idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      if (id === this.idfs.length) this.grow();
      this.ids.set(term, id);
      this.idfs[id] = this.idf(term);
    }
    return id;
  }

  private grow(): void {
    const size = this.idfs.length * 2;
    const idfs = new Float64Array(size);
    idfs.set(this.idfs);
    this.idfs = idfs;
    this.counts = new Int32Array(size);
    this.dense = new Float64Array(size);
    const pinned = new Float64Array(size);
    pinned.set(this.pinned);
    this.pinned = pinned;
  }

  /** Log-scaled term frequency × idf, L2-normalised; terms with no positive weight are left out. */
  vectorOf(text: string): Vector {
    const order: number[] = [];
    for (const term of tokenize(text)) {
      const id = this.idOf(term);
      const count = this.counts[id]!;
      if (count === 0) order.push(id);
      this.counts[id] = count + 1;
    }
    const ids = new Int32Array(order.length);
    const weights = new Float64Array(order.length);
    let size = 0;
    let norm = 0;
    for (const id of order) {
      const weight = (1 + Math.log(this.counts[id]!)) * this.idfs[id]!;
      this.counts[id] = 0;
      if (weight <= 0) continue;
      ids[size] = id;
      weights[size++] = weight;
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < size; k++) weights[k] = weights[k]! / norm;
    return { ids: ids.subarray(0, size), weights: weights.subarray(0, size) };
  }

  /**
   * The vector of `text()`, kept under `key` (an article id) while `version` (its content hash) stays
   * the same: briefs over overlapping periods read the same articles, and tokenizing them is most of a brief's cost.
   */
  rememberedVectorOf(key: string, version: string, text: () => string): Vector {
    const known = this.remembered.get(key);
    if (known) this.remembered.delete(key);
    const vector = known?.version === version ? known.vector : this.vectorOf(text());
    this.remembered.set(key, { version, vector });
    if (this.remembered.size > REMEMBERED_VECTORS) this.remembered.delete(this.remembered.keys().next().value!);
    return vector;
  }

  /**
   * The dot product of two vectors of this space. The smaller vector's terms are summed in their
   * order against the larger one's weights, as a Map-based dot product would, so the floats are the same.
   */
  cosine(a: Vector, b: Vector): number {
    const [small, large] = a.ids.length <= b.ids.length ? [a, b] : [b, a];
    const { dense } = this;
    for (let k = 0; k < large.ids.length; k++) dense[large.ids[k]!] = large.weights[k]!;
    let dot = 0;
    for (let k = 0; k < small.ids.length; k++) dot += small.weights[k]! * dense[small.ids[k]!]!;
    for (let k = 0; k < large.ids.length; k++) dense[large.ids[k]!] = 0;
    return dot;
  }

  /** Keeps `a`'s weights spread out until `unpin(a)`, for comparing `a` with many vectors. */
  pin(a: Vector): void {
    for (let k = 0; k < a.ids.length; k++) this.pinned[a.ids[k]!] = a.weights[k]!;
  }

  unpin(a: Vector): void {
    for (let k = 0; k < a.ids.length; k++) this.pinned[a.ids[k]!] = 0;
  }

  /** `cosine(pinned, b)` with the same floats, for the vector last pinned; a shorter `b` costs only its own length. */
  cosinePinned(pinned: Vector, b: Vector): number {
    if (pinned.ids.length <= b.ids.length) return this.cosine(pinned, b);
    let dot = 0;
    for (let k = 0; k < b.ids.length; k++) dot += b.weights[k]! * this.pinned[b.ids[k]!]!;
    return dot;
  }
}
