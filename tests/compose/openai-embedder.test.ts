import Keyv from 'keyv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComposeError } from '../../src/compose/compose-error.ts';
import { EMBEDDING_BATCH, openAiEmbedder } from '../../src/compose/openai-embedder.ts';
import { silentLogger } from '../../src/log.ts';
import { cachedEmbedder } from '../../src/retrieval/cached-embedder.ts';
import { decodeVector, encodeVector, keyvVectorCache } from '../../src/store/keyv-vector-cache.ts';
import { fakeEmbedding, startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';

let double: OpenAiDouble;
beforeAll(async () => (double = await startOpenAiDouble()));
afterAll(() => double.close());

const embedder = (apiKey = 'k') => openAiEmbedder(new OpenAI({ apiKey, baseURL: double.baseURL, maxRetries: 0, timeout: 2000 }), 'test-embed', silentLogger());
const embeddingCalls = () => double.requests.filter((r) => r.path === '/v1/embeddings');

describe('embeddings through the OpenAI SDK', () => {
  it(`sends at most ${EMBEDDING_BATCH} inputs per request and returns vectors in input order`, async () => {
    double.requests.length = 0;
    const texts = Array.from({ length: 300 }, (_, i) => `passage number ${i}`);
    const vectors = await embedder().embed(texts);
    expect(embeddingCalls().map((r) => (r.body.input as string[]).length)).toEqual([128, 128, 44]);
    expect(vectors).toHaveLength(300);
    expect(vectors[299]).toBeInstanceOf(Float32Array);
    expect([...vectors[299]!]).toEqual([...Float32Array.from(fakeEmbedding('passage number 299'))]);
  });

  it('asks for float vectors, which every OpenAI-compatible server returns', async () => {
    double.requests.length = 0;
    await embedder().embed(['one']);
    expect(embeddingCalls()[0]?.body.encoding_format).toBe('float');
  });

  it('embeds only the texts whose vectors are not cached yet', async () => {
    double.requests.length = 0;
    const cache = keyvVectorCache(new Keyv({ namespace: 'vectors' }), silentLogger());
    const cached = cachedEmbedder(embedder(), cache);
    const first = await cached.embed(['a b', 'c d']);
    const second = await cached.embed(['c d', 'e f', 'a b']);
    expect(embeddingCalls().map((r) => r.body.input)).toEqual([['a b', 'c d'], ['e f']]);
    expect([...second[2]!]).toEqual([...first[0]!]);
  });
});

describe('vector cache encoding', () => {
  it('round-trips a Float32Array through base64 exactly', () => {
    const vector = Float32Array.from([0.1, -2.5, 3e-8, 1]);
    expect(decodeVector(encodeVector(vector))).toEqual(vector);
  });

  it('reads a subarray at an odd offset correctly', () => {
    const whole = Float32Array.from([9, 1, 2, 3]);
    expect([...decodeVector(encodeVector(whole.subarray(1)))!]).toEqual([1, 2, 3]);
  });

  it('treats text that is not a whole number of floats as missing', () => {
    expect(decodeVector('AAA=')).toBeUndefined();
    expect(decodeVector(42)).toBeUndefined();
  });
});

describe('embedding failures', () => {
  it('throws a ComposeError the app can explain when the server is unreachable', async () => {
    const offline = openAiEmbedder(new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, timeout: 500 }), 'm', silentLogger());
    await expect(offline.embed(['x'])).rejects.toBeInstanceOf(ComposeError);
  });
});
