import { z } from 'zod';
import type { IndexData } from './bm25-index.ts';

const MAGIC = 'BBIDX002';

/** Says which store revision and which topics/tokenizer the arrays were built from. */
export const IndexStamp = z.object({ revision: z.number().int(), fingerprint: z.string() });
export type IndexStamp = z.infer<typeof IndexStamp>;

const ARRAYS = [
  ['termOffsets', Int32Array], ['postingDocs', Int32Array], ['postingWeights', Float32Array], ['idf', Float32Array],
  ['docArticle', Int32Array], ['docOrdinal', Int32Array], ['docSimHi', Uint32Array], ['docSimLo', Uint32Array],
  ['articleDay', Int32Array], ['articleOutlet', Int32Array], ['articleLanguage', Int32Array], ['articleTopics', Uint32Array],
] as const;

const Header = IndexStamp.extend({
  lengths: z.array(z.number().int().min(0)),
  terms: z.number().int().min(0),
  articleIds: z.array(z.string()),
  outlets: z.array(z.string()),
  languages: z.array(z.string()),
  topicSlugs: z.array(z.string()),
});

/**
 * Layout: 8-byte magic, u32 header length, JSON header, u32 term-dictionary length, the terms joined
 * by "\n", then each typed array padded to 4 bytes. Loading is a few copies and one Map; no parsing
 * of postings.
 */
export function encodeIndex(data: IndexData, stamp: IndexStamp): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      ...stamp,
      lengths: ARRAYS.map(([name]) => data[name].length),
      terms: data.terms.length,
      articleIds: data.articleIds,
      outlets: data.outlets,
      languages: data.languages,
      topicSlugs: data.topicSlugs,
    }),
  );
  const dictionary = Buffer.from(data.terms.join('\n'));
  const pad = (length: number) => Buffer.alloc((4 - (length % 4)) % 4);
  const u32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    return buffer;
  };
  const parts: Buffer[] = [Buffer.from(MAGIC), u32(header.length), header, pad(header.length), u32(dictionary.length), dictionary, pad(dictionary.length)];
  for (const [name] of ARRAYS) parts.push(Buffer.from(data[name].buffer, data[name].byteOffset, data[name].byteLength));
  return Buffer.concat(parts);
}

export class IndexFormatError extends Error {
  override name = 'IndexFormatError';
}

export function decodeIndex(bytes: Buffer): { data: IndexData; stamp: IndexStamp } {
  if (bytes.subarray(0, 8).toString() !== MAGIC) throw new IndexFormatError('not an index file of this version');
  let at = 8;
  const headerLength = bytes.readUInt32LE(at);
  at += 4;
  const header = Header.parse(JSON.parse(bytes.subarray(at, at + headerLength).toString()));
  at += headerLength + ((4 - (headerLength % 4)) % 4);
  const dictionaryLength = bytes.readUInt32LE(at);
  at += 4;
  const terms = header.terms === 0 ? [] : bytes.subarray(at, at + dictionaryLength).toString().split('\n');
  at += dictionaryLength + ((4 - (dictionaryLength % 4)) % 4);
  if (terms.length !== header.terms) throw new IndexFormatError('term dictionary is damaged');
  // A buffer that owns its whole ArrayBuffer (as a read of a large file does) is viewed in place: at a
  // million passages that saves copying half a gigabyte on every load. A slice of Node's shared pool
  // (small buffers) is copied, since views would pin, and could be misaligned in, memory not ours.
  const { buffer } = bytes;
  const ownsMemory = buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && buffer.byteLength === bytes.length;
  const arrays: Record<string, ArrayLike<number>> = {};
  ARRAYS.forEach(([name, Type], i) => {
    const length = header.lengths[i] ?? 0;
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.length) throw new IndexFormatError('index file is truncated');
    if (ownsMemory && at % Type.BYTES_PER_ELEMENT === 0) {
      arrays[name] = new Type(buffer, at, length);
    } else {
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(at, at + byteLength));
      arrays[name] = new Type(copy.buffer);
    }
    at += byteLength;
  });
  const data = {
    ...(arrays as unknown as Pick<IndexData, (typeof ARRAYS)[number][0]>),
    terms,
    articleIds: header.articleIds,
    outlets: header.outlets,
    languages: header.languages,
    topicSlugs: header.topicSlugs,
  };
  return { data, stamp: { revision: header.revision, fingerprint: header.fingerprint } };
}
