import matter from 'gray-matter';
import { z } from 'zod';
import type { ArticleInput } from './normalize.ts';
import type { ParseResult } from './parse-result.ts';

const FrontMatter = z.object({
  title: z.string().min(1),
  url: z.string().min(1).optional(),
  outlet: z.string().min(1),
  publishedAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'expected a date such as 2024-05-01'),
  language: z.string().min(2).optional(),
  partial: z.boolean().optional(),
  sample: z.boolean().optional(),
  basedOn: z.array(z.string()).optional(),
});

/**
 * gray-matter runs `---js` / `---javascript` front matter through eval by default; a file is data, so
 * that engine only refuses. (Passing options also keeps gray-matter from caching by content, which
 * would share state across files.)
 */
const MATTER_OPTIONS = {
  engines: {
    javascript: () => {
      throw new Error('JavaScript front matter is not run; use YAML');
    },
  },
};

/** One article per file: YAML front matter (title, outlet, publishedAt required) and a Markdown body. */
export function parseMarkdown(source: string): ParseResult {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source, MATTER_OPTIONS);
  } catch (err) {
    return { articles: [], skipped: [{ reason: `malformed front matter: ${(err as Error).message.split('\n')[0]}` }] };
  }
  const front = FrontMatter.safeParse(parsed.data);
  if (!front.success) {
    const reason = front.error.issues.map((issue) => `${issue.path.join('.') || 'front matter'}: ${issue.message}`).join('; ');
    return { articles: [], skipped: [{ reason: `front matter: ${reason}` }] };
  }
  const text = parsed.content.replace(/^#{1,6}\s+/gm, '').trim();
  if (!text) return { articles: [], skipped: [{ reason: 'no text after the front matter' }] };
  const article: ArticleInput = { ...front.data, text };
  return { articles: [article], skipped: [] };
}
