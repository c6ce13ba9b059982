import { countTokens } from 'gpt-tokenizer';
import { sentenceSpans } from '../ingest/chunk.ts';
import { isoDay } from '../model.ts';
import { tokenize } from '../retrieval/tokenize.ts';
import { datelineLength } from './dateline.ts';
import type { Cited } from './draft.ts';

/**
 * Two passages whose word-trigram sets overlap at least this much (Jaccard) say the same thing, as
 * when one outlet rewrites another's wire copy: the model sees one, and both numbers lead to it.
 */
export const NEAR_DUPLICATE_JACCARD = 0.6;

/**
 * A block carries a passage's leading whole sentences up to this many tokens (the first sentence
 * always). Passages are at most 200 words (about 260 tokens of English), so an English passage goes
 * whole: a question's answer may sit late in it, and the model must see it. The cap only shortens
 * passages that tokenize heavily (Chinese, Korean). A 120-token cap saved 3% more of the prompt; the
 * evidence was worth more (ADR 009). The citation check reads the whole passage either way.
 */
export const SOURCE_TEXT_TOKENS = 260;
/** A title whose terms the sent text already holds at least this share of adds nothing, and is left out. */
const REDUNDANT_TITLE_SHARE = 0.6;

export type PackOptions = {
  /** Tokens for all source blocks together (CONTEXT_TOKEN_BUDGET, default 6000). */
  budget: number;
  isStateMedia: (outlet: string) => boolean;
};

export type BudgetReport = {
  budget: number;
  /** Tokens of the blocks sent; above the budget only when the first source alone exceeds it. */
  used: number;
  /** Blocks sent. */
  sources: number;
  /** Sources left out to stay within the budget (the last in request order go first). */
  dropped: number;
  /** Sources folded into a near-duplicate that was sent. */
  merged: number;
};

export type PackedContext = {
  /** The source blocks, oldest first. */
  text: string;
  /** Every number the model may cite → the passage it stands for (a merged number → the passage kept). */
  numbers: ReadonlyMap<number, string>;
  report: BudgetReport;
};

const trigrams = (text: string): Set<string> => {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const grams = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) grams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  if (words.length < 3) grams.add(words.join(' '));
  return grams;
};

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

const attribute = (value: string) => value.replace(/["\n\r]/g, (c) => (c === '"' ? "'" : ' '));
/** A source cannot close its own block: "</source>" in its text would let it pose as instructions. */
const defang = (text: string) => text.replace(/<(\/?)(source)/gi, '‹$1$2');

/** What a block shows of a source: its text and title (null = left out). By default, the whole passage and the title. */
type Shown = { text: string; title: string | null };

/**
 * The part of a passage worth its tokens: no wire dateline ("BEIJING, May 4 (Reuters) - "; outlet and
 * date are attributes), leading whole sentences up to SOURCE_TEXT_TOKENS, and the title only when it
 * says something the text does not.
 */
function shownOf({ article, passage }: Cited): Shown {
  const full = passage.text;
  const start = datelineLength(full);
  let end = full.length;
  let tokens = 0;
  for (const [i, span] of sentenceSpans(full, article.language).entries()) {
    tokens += countTokens(full.slice(Math.max(start, span.start), span.end));
    if (i > 0 && tokens > SOURCE_TEXT_TOKENS) {
      end = span.start;
      break;
    }
  }
  const text = full.slice(start, end).trim();
  const titleTerms = tokenize(article.title);
  const textTerms = new Set(tokenize(text));
  const known = titleTerms.filter((term) => textTerms.has(term)).length;
  return { text, title: titleTerms.length > 0 && known / titleTerms.length >= REDUNDANT_TITLE_SHARE ? null : article.title };
}

/** One numbered, delimited block: the model reads its outlet, date and state-media flag before its text. */
export function sourceBlock(
  n: number, source: Cited, isStateMedia: (outlet: string) => boolean, also: readonly string[] = [],
  shown: Shown = { text: source.passage.text, title: source.article.title },
): string {
  const { article } = source;
  const attrs = [
    `n="${n}"`,
    `outlet="${attribute(article.outlet)}"`,
    `date="${isoDay(article.publishedAt)}"`,
    // Only state media is marked: the prompts' rule reads state_media="yes", and a "no" on every other block is ~5 tokens each.
    ...(isStateMedia(article.outlet) ? ['state_media="yes"'] : []),
    ...(shown.title !== null ? [`title="${attribute(shown.title)}"`] : []),
    ...(also.length ? [`also_reported_as="${also.join('; ')}"`] : []),
  ];
  return `<source ${attrs.join(' ')}>\n${defang(shown.text)}\n</source>`;
}

/**
 * Packs the request's sources (numbered 1..n in request order) under a token budget: near-duplicates
 * merged into the first of them, each block trimmed to what is worth sending (shownOf), the
 * lowest-priority sources dropped when the budget runs out, the rest ordered by date so the model
 * reads the story as it unfolded.
 */
export function packContext(sources: readonly Cited[], options: PackOptions): PackedContext {
  const kept: { n: number; source: Cited; grams: Set<string>; also: number[] }[] = [];
  let merged = 0;
  sources.forEach((source, index) => {
    const grams = trigrams(source.passage.text);
    const twin = kept.find((k) => jaccard(k.grams, grams) >= NEAR_DUPLICATE_JACCARD);
    if (twin) {
      twin.also.push(index + 1);
      merged++;
    } else kept.push({ n: index + 1, source, grams, also: [] });
  });

  const alsoLabel = (n: number) => {
    const { article } = sources[n - 1]!;
    return `[${n}] ${article.outlet}, ${isoDay(article.publishedAt)}`;
  };
  const sent: { n: number; source: Cited; also: number[]; block: string }[] = [];
  let used = 0;
  let dropped = 0;
  for (const entry of kept) {
    const block = sourceBlock(entry.n, entry.source, options.isStateMedia, entry.also.map(alsoLabel), shownOf(entry.source));
    const tokens = countTokens(block) + 1; // the newline between blocks
    if (sent.length > 0 && used + tokens > options.budget) {
      dropped += 1 + entry.also.length;
      continue;
    }
    used += tokens;
    sent.push({ ...entry, block });
  }
  sent.sort((a, b) => a.source.article.publishedAt.getTime() - b.source.article.publishedAt.getTime() || a.n - b.n);

  const numbers = new Map<number, string>();
  for (const entry of sent) for (const n of [entry.n, ...entry.also]) numbers.set(n, entry.source.passage.id);
  return {
    text: sent.map((entry) => entry.block).join('\n'),
    numbers,
    report: { budget: options.budget, used, sources: sent.length, dropped, merged },
  };
}

/** For the bench: tokens of naive top-k stuffing (the first k sources' blocks as they come, no merging, no budget). */
export function stuffedTokenCount(sources: readonly Cited[], k: number): number {
  return sources.slice(0, k).reduce((sum, source, index) => sum + countTokens(sourceBlock(index + 1, source, () => false)) + 1, 0);
}
