/** The port for turning texts into vectors (an embedding model); vectors come back in input order. */
export type Embedder = {
  /** The model name; vectors from different models are never mixed. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
};

/** Where vectors are kept between runs, by content hash (see store/keyv-vector-cache.ts). */
export type VectorCache = {
  getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]>;
  setMany(entries: readonly { key: string; vector: Float32Array }[]): Promise<void>;
};
