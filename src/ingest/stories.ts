import { createHash } from 'node:crypto';
import { z } from 'zod';
import { tokenize } from '../retrieval/tokenize.ts';

/** MinHash signature length: the Jaccard estimate's standard error is about 1/√64 ≈ 0.06. */
const SIGNATURE_SIZE = 64;
/** Words per shingle: long enough that two articles on one subject do not share many by chance. */
const SHINGLE_WORDS = 3;
/** Estimated Jaccard similarity of shingle sets from which two texts are copies of one story. */
export const NEAR_COPY_JACCARD = 0.5;
/** Below this many shingles a text is too short to call a near-copy (a headline or a teaser). */
const MIN_SHINGLES = 12;

export const StoryRecord = z.object({
  articleId: z.string().min(1),
  storyId: z.string().min(1),
  outlet: z.string(),
  /** Hash of the whitespace- and case-folded text: equal for exact copies. */
  textHash: z.string(),
  /** MinHash of the text's word shingles; empty for texts too short to compare. */
  minhash: z.array(z.number().int()),
  seenAt: z.coerce.date(),
});
export type StoryRecord = z.infer<typeof StoryRecord>;

export type StoryCandidate = { articleId: string; outlet: string; text: string; seenAt: Date };
export type StoryMatch = 'new-story' | 'same-article' | 'exact-copy' | 'near-copy';
export type StoryDecision = { articleId: string; storyId: string; match: StoryMatch; similarTo?: string };

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** murmur3's finaliser: turns one 32-bit hash into the i-th independent-looking one. */
function mix(hash: number, seed: number): number {
  let h = (hash ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function minhash(text: string): number[] {
  const tokens = tokenize(text);
  const shingles = new Set<number>();
  for (let i = 0; i + SHINGLE_WORDS <= tokens.length; i++) shingles.add(fnv1a(tokens.slice(i, i + SHINGLE_WORDS).join(' ')));
  if (shingles.size < MIN_SHINGLES) return [];
  const signature = new Array<number>(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const value = mix(shingle, i + 1);
      if (value < signature[i]!) signature[i] = value;
    }
  }
  return signature;
}

export function estimatedJaccard(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

export const textHash = (text: string) => createHash('sha256').update(text.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 24);

/** A story is named after the first article seen in it, so ids stay stable as copies arrive. */
const storyIdFor = (articleId: string) => `story-${articleId}`;

/**
 * Gives each incoming article a story: the one it already had, the story of an exact copy, the
 * story of the most similar near-copy (MinHash over word shingles), or a new one. Incoming articles
 * are compared with each other too, so three copies arriving in one run share one story.
 */
export function assignStories(existing: readonly StoryRecord[], incoming: readonly StoryCandidate[]): { decisions: StoryDecision[]; records: StoryRecord[] } {
  const pool: StoryRecord[] = [...existing];
  const byArticle = new Map(existing.map((record) => [record.articleId, record]));
  const decisions: StoryDecision[] = [];
  const records: StoryRecord[] = [];
  for (const candidate of incoming) {
    const known = byArticle.get(candidate.articleId);
    const hash = textHash(candidate.text);
    const signature = minhash(candidate.text);
    let decision: StoryDecision;
    if (known) {
      decision = { articleId: candidate.articleId, storyId: known.storyId, match: 'same-article' };
    } else {
      const exact = pool.find((record) => record.textHash === hash);
      let best: { record: StoryRecord; similarity: number } | undefined;
      if (!exact && signature.length > 0) {
        for (const record of pool) {
          const similarity = estimatedJaccard(signature, record.minhash);
          if (similarity >= NEAR_COPY_JACCARD && (!best || similarity > best.similarity)) best = { record, similarity };
        }
      }
      const match = exact ?? best?.record;
      decision = match
        ? { articleId: candidate.articleId, storyId: match.storyId, match: exact ? 'exact-copy' : 'near-copy', similarTo: match.articleId }
        : { articleId: candidate.articleId, storyId: storyIdFor(candidate.articleId), match: 'new-story' };
    }
    const record: StoryRecord = { articleId: candidate.articleId, storyId: decision.storyId, outlet: candidate.outlet, textHash: hash, minhash: signature, seenAt: known?.seenAt ?? candidate.seenAt };
    decisions.push(decision);
    records.push(record);
    byArticle.set(record.articleId, record);
    if (known) pool[pool.indexOf(known)] = record;
    else pool.push(record);
  }
  return { decisions, records };
}

/** The port for story ids; store/keyv-story-store.ts is the adapter. */
export interface StoryStore {
  get(articleId: string): Promise<StoryRecord | undefined>;
  /** articleId -> storyId for the ids that have one, so a brief can cite every outlet of a story but count it once. */
  storyIds(articleIds: readonly string[]): Promise<Map<string, string>>;
  /** Records first seen at or after `since`: wire copies arrive within days of each other. */
  recent(since: Date): Promise<StoryRecord[]>;
  putMany(records: readonly StoryRecord[]): Promise<void>;
  close(): Promise<void>;
}
