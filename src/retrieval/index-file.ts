import { readFile, rename, writeFile } from 'node:fs/promises';
import type { IndexData } from './bm25-index.ts';
import { decodeIndex, encodeIndex, type IndexStamp } from './index-codec.ts';

/** The persisted index, or undefined when it is missing or unreadable (it is then rebuilt). */
export async function readIndexFile(path: string): Promise<{ data: IndexData; stamp: IndexStamp } | undefined> {
  try {
    return decodeIndex(await readFile(path));
  } catch {
    return undefined;
  }
}

/** Written beside and renamed over, so a reader never sees half a file. */
export async function writeIndexFile(path: string, data: IndexData, stamp: IndexStamp): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, encodeIndex(data, stamp));
  await rename(temporary, path);
}
