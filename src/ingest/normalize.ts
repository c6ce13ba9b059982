import { z } from 'zod';
import { Article } from '../model.ts';
import { articleId } from './article-id.ts';
import { cutPaywall } from './paywall.ts';

/** An article as a parser found it: no id yet, language and URL possibly unknown. */
export const ArticleInput = Article.omit({ id: true, url: true, language: true }).extend({
  url: z.string().min(1).optional(),
  language: z.string().min(2).optional(),
});
export type ArticleInput = z.infer<typeof ArticleInput>;

/** Guesses the language from the script when a source does not say. */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, 2000);
  const hangul = sample.match(/\p{Script=Hangul}/gu)?.length ?? 0;
  const han = sample.match(/\p{Script=Han}/gu)?.length ?? 0;
  const letters = sample.match(/\p{L}/gu)?.length ?? 1;
  if (hangul / letters > 0.3) return 'ko';
  if (han / letters > 0.3) return 'zh';
  return 'en';
}

/**
 * A run of whitespace that is not already one plain space. Replacing these with ' ' gives what
 * replacing every `\s+` would, without building a new string for each single space between words.
 */
const UNTIDY_SPACE = /\s{2,}|[^\S ]/g;
export const collapseWhitespace = (text: string) => text.replace(UNTIDY_SPACE, ' ');

/** Whitespace tidied, paragraphs kept, paywall tail cut, id assigned. */
export function normalizeArticle(input: ArticleInput, fallbackUrl: string): Article {
  const tidy = input.text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => collapseWhitespace(paragraph).trim())
    .filter(Boolean)
    .join('\n\n');
  const { text, partial } = cutPaywall(tidy);
  const url = input.url?.trim() || fallbackUrl;
  return Article.parse({
    ...input,
    id: articleId({ url: input.url, text }),
    url,
    title: collapseWhitespace(input.title).trim(),
    outlet: input.outlet.trim(),
    language: input.language ?? detectLanguage(text),
    text,
    ...(partial || input.partial ? { partial: true } : {}),
  });
}
