import { z } from 'zod';

/** An ISO date or date-time; Keyv hands dates back as strings, so every read coerces. */
const DateLike = z.coerce.date().refine((date) => !Number.isNaN(date.getTime()), 'expected a valid date');

export const Article = z.object({
  /** Stable: a hash of the canonical URL, or of the text when there is no URL. */
  id: z.string().min(1),
  url: z.string().min(1),
  title: z.string().min(1),
  outlet: z.string().min(1),
  publishedAt: DateLike,
  /** BCP 47 primary tag: en, ko, zh … */
  language: z.string().min(2),
  text: z.string().min(1),
  /** True when the source cut the text short (a paywall): only what came before the cut is kept. */
  partial: z.boolean().optional(),
  /** True for the bundled, paraphrased sample articles. */
  sample: z.boolean().optional(),
  /** The public pages a sample article paraphrases. */
  basedOn: z.array(z.string()).optional(),
});
export type Article = z.infer<typeof Article>;

export const Passage = z.object({
  /** `${articleId}#${ordinal}` */
  id: z.string().min(1),
  articleId: z.string().min(1),
  ordinal: z.number().int().min(0),
  text: z.string().min(1),
  /** Character offsets into the article text, so a citation can be checked against its source. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type Passage = z.infer<typeof Passage>;

/** What retrieval returns: the passage, its article, the score and the score's parts. */
export type Hit = {
  passage: Passage;
  article: Article;
  score: number;
  parts: { lexical: number; recency: number };
};

export const Point = z.object({
  text: z.string().min(1),
  /** Numbers of entries in the brief's sources. */
  citations: z.array(z.number().int().min(1)).min(1),
  /** The date of the development the point reports (YYYY-MM-DD). */
  date: z.string().optional(),
});
export type Point = z.infer<typeof Point>;

export const Source = z.object({
  n: z.number().int().min(1),
  articleId: z.string(),
  title: z.string(),
  outlet: z.string(),
  url: z.string(),
  publishedAt: z.string(),
  /** The passage the citation rests on, verbatim from the store. */
  passage: z.string(),
  passageId: z.string(),
  basedOn: z.array(z.string()).optional(),
});
export type Source = z.infer<typeof Source>;

export const Period = z.object({ since: z.string().nullable(), until: z.string() });
export type Period = z.infer<typeof Period>;

/** How the model's points fared against their cited passages (LLM mode only). */
export const Verification = z.object({
  points: z.number().int().min(0),
  supported: z.number().int().min(0),
  dropped: z.number().int().min(0),
  marked: z.number().int().min(0),
  reasons: z.array(z.string()),
});

export const Brief = z.object({
  topic: z.string().nullable(),
  mode: z.enum(['extractive', 'llm']),
  /** The model that wrote the points, in LLM mode. */
  model: z.string().optional(),
  /** The newest cited article's date: what the brief knows, not when it was asked. */
  asOf: z.string().nullable(),
  period: Period,
  points: z.array(Point),
  sources: z.array(Source),
  notices: z.array(z.string()),
  question: z.string().optional(),
  verification: Verification.optional(),
});
export type Brief = z.infer<typeof Brief>;

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** A calendar day as YYYY-MM-DD in UTC. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);
