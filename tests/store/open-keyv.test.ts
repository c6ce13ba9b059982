import { join } from 'node:path';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';
import { tempDir } from '../support/temp-app.ts';

const holey = ['a', 'b', ':c'];
delete holey[1];

/** Values on which @keyv/serialize and JSON.stringify part ways, and plain ones on which they agree. */
const VALUES: Record<string, unknown> = {
  'a stored article': { article: { id: 'u1', title: 'Kim visits Beijing', publishedAt: new Date('2018-03-28T10:00:00Z'), partial: false }, passages: [{ id: 'u1#0', start: 0, end: 12, text: '김정은 “met” Xi.' }], contentHash: 'abc' },
  'strings that start with a colon': { title: ':colon', nested: { list: ['::two', 'plain', ':base64:aGk='] } },
  'a bare colon string': ':starts',
  'a Buffer': Buffer.from('hi'),
  'undefined, null and NaN': { gone: undefined, none: null, nan: Number.NaN, list: [undefined, 1] },
  'an array with a hole': holey,
  'an object with toJSON': { inner: { toJSON: () => ':x' } },
  'a Map': new Map([['k', 'v']]),
};

describe('openKeyv serialization', () => {
  const ours = openKeyv<unknown>('sqlite://:memory:', 'codec', silentLogger());
  const stock = new Keyv<unknown>();
  afterAll(() => ours.disconnect());

  for (const [label, value] of Object.entries(VALUES)) {
    it(`writes ${label} exactly as Keyv's own serializer does, and reads it back the same`, async () => {
      const text = await stock.serialize!({ value, expires: undefined });
      expect(await ours.serialize!({ value, expires: undefined })).toBe(text);
      expect(await ours.deserialize!(text)).toEqual(await stock.deserialize!(text));
    });
  }
});

describe('openKeyv on SQLite', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let url: string;
  beforeAll(async () => {
    dir = await tempDir();
    url = `sqlite://${join(dir.path, 'store.sqlite')}`;
  });
  afterAll(() => dir.remove());

  const entries = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${String(i).padStart(5, '0')}`, value: { n: i, text: `${prefix} ${i}` } }));

  it('sets many at once across several statements, replacing keys it already holds', async () => {
    const keyv = openKeyv<{ n: number; text: string }>(url, 'many', silentLogger());
    await keyv.setMany(entries(1_000, 'k'));
    await keyv.setMany(entries(500, 'k').map(({ key, value }) => ({ key, value: { ...value, text: 'again' } })));
    const values = await keyv.getMany(entries(1_000, 'k').map(({ key }) => key));
    expect(values.filter((value) => value?.text === 'again')).toHaveLength(500);
    expect(values[999]).toEqual({ n: 999, text: 'k 999' });
    await keyv.disconnect();
  });

  it('lists every key of its namespace over several pages, and none of another namespace in the same file', async () => {
    const listed = openKeyv<unknown>(url, 'listed', silentLogger());
    const other = openKeyv<unknown>(url, 'other', silentLogger());
    await listed.setMany(entries(2_500, 'x'));
    await other.setMany(entries(10, 'y'));
    const keys: string[] = [];
    for await (const [key] of listed.iterator!(undefined)) keys.push(String(key));
    expect(keys).toHaveLength(2_500);
    expect(new Set(keys)).toEqual(new Set(entries(2_500, 'x').map(({ key }) => key)));
    await Promise.all([listed.disconnect(), other.disconnect()]);
  });

  it('skips no entry when entries are deleted while they are being listed (as expired ones are)', async () => {
    const keyv = openKeyv<unknown>(url, 'shrinking', silentLogger());
    await keyv.setMany(entries(2_500, 's'));
    let seen = 0;
    for await (const [key] of keyv.iterator!(undefined)) {
      seen++;
      await keyv.delete(String(key));
    }
    expect(seen).toBe(2_500);
    await keyv.disconnect();
  });
});
