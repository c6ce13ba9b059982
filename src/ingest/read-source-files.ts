import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseJson, parseJsonLines } from './parse-json.ts';
import { parseMarkdown } from './parse-markdown.ts';
import type { FileDefaults, ParseResult } from './parse-result.ts';
import { parseText } from './parse-text.ts';

export type ParsedFile = { path: string; result: ParseResult };

type Parser = (source: string, defaults: FileDefaults) => ParseResult | Promise<ParseResult>;

/** linkedom and Readability take half a second to load; a Markdown-only corpus never needs them. */
const parseHtml: Parser = async (source, defaults) => (await import('./parse-html.ts')).parseHtml(source, defaults);

const PARSERS: Record<string, Parser> = {
  '.md': (source) => parseMarkdown(source),
  '.markdown': (source) => parseMarkdown(source),
  '.html': parseHtml,
  '.htm': parseHtml,
  '.txt': parseText,
  '.json': (source) => parseJson(source),
  '.jsonl': (source) => parseJsonLines(source),
};

export class SourcePathError extends Error {
  override name = 'SourcePathError';
}

const refuse = (path: string, reason: string): ParsedFile => ({ path, result: { articles: [], skipped: [{ reason }] } });

/** A NUL byte, or text that is not valid UTF-8, means the file is not an article. */
function isBinary(bytes: Buffer): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

async function listFiles(root: string): Promise<string[]> {
  const info = await stat(root).catch((err: NodeJS.ErrnoException) => {
    throw new SourcePathError(err.code === 'ENOENT' ? `Nothing to ingest: ${root} does not exist.` : `Cannot read ${root}: ${err.message}`);
  });
  if (!info.isDirectory()) return [root];
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && entry.name.toLowerCase() !== 'readme.md')
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every file under `root`, parsed by its extension. Refusals come back as skips with a reason. */
export async function readSourceFiles(root: string, options: { maxBytes: number; defaults?: FileDefaults }): Promise<ParsedFile[]> {
  const files = await listFiles(root);
  if (files.length === 0) throw new SourcePathError(`Nothing to ingest: ${root} holds no files.`);
  const parsed: ParsedFile[] = [];
  for (const path of files) {
    const parser = PARSERS[extname(path).toLowerCase()];
    if (!parser) {
      parsed.push(refuse(path, `unsupported file type "${extname(path) || basename(path)}" (use .md, .html, .txt, .json or .jsonl)`));
      continue;
    }
    const { size } = await stat(path);
    if (size > options.maxBytes) {
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      parsed.push(refuse(path, `file is ${mb(size)} MB; the limit is ${mb(options.maxBytes)} MB (INGEST_MAX_FILE_MB)`));
      continue;
    }
    const bytes = await readFile(path);
    if (isBinary(bytes)) {
      parsed.push(refuse(path, 'binary file, not text'));
      continue;
    }
    parsed.push({ path, result: await parser(bytes.toString('utf8'), options.defaults ?? {}) });
  }
  return parsed;
}
