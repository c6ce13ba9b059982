import { open, rename, writeFile } from 'node:fs/promises';
import type { IndexData } from './bm25-index.ts';
import { decodeIndex, encodeIndex, type IndexStamp } from './index-codec.ts';

/**
 * The whole file in one buffer of its own, read with as few calls as the OS allows. readFile reads
 * 512 KiB per call, a thousand thread-pool round trips for a million-passage index; and a buffer
 * that owns its memory lets decodeIndex view the arrays in place instead of copying them.
 */
async function readWhole(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await file.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await file.close();
  }
}

/** The persisted index, or undefined when it is missing or unreadable (it is then rebuilt). */
export async function readIndexFile(path: string): Promise<{ data: IndexData; stamp: IndexStamp } | undefined> {
  try {
    return decodeIndex(await readWhole(path));
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
