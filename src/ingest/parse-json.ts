import type { z } from 'zod';
import { ArticleInput } from './normalize.ts';
import type { ParseResult } from './parse-result.ts';

const reasonOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`).join('; ');

function collect(items: { raw: unknown; label: string }[]): ParseResult {
  const result: ParseResult = { articles: [], skipped: [] };
  for (const { raw, label } of items) {
    const parsed = ArticleInput.safeParse(raw);
    if (parsed.success) result.articles.push(parsed.data);
    else result.skipped.push({ item: label, reason: reasonOf(parsed.error) });
  }
  return result;
}

/** A JSON array of articles, or one article object. */
export function parseJson(source: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    return { articles: [], skipped: [{ reason: `not valid JSON: ${(err as Error).message}` }] };
  }
  const items = Array.isArray(raw) ? raw : [raw];
  return collect(items.map((item, index) => ({ raw: item, label: `item ${index + 1}` })));
}

/** One article per line; a bad line is skipped with its number, the rest are kept. */
export function parseJsonLines(source: string): ParseResult {
  const result: ParseResult = { articles: [], skipped: [] };
  const items: { raw: unknown; label: string }[] = [];
  source.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    try {
      items.push({ raw: JSON.parse(line), label: `line ${index + 1}` });
    } catch (err) {
      result.skipped.push({ item: `line ${index + 1}`, reason: `not valid JSON: ${(err as Error).message}` });
    }
  });
  const collected = collect(items);
  return { articles: collected.articles, skipped: [...result.skipped, ...collected.skipped] };
}
