import type { ArticleInput } from './normalize.ts';

/** What a parser made of one file: the articles it found and, for each item it could not use, why. */
export type ParseResult = {
  articles: ArticleInput[];
  skipped: { item?: string; reason: string }[];
};

/** Flags the CLI passes for formats that carry no metadata of their own (.txt, bare .html). */
export type FileDefaults = { date?: Date | undefined; outlet?: string | undefined; url?: string | undefined };
