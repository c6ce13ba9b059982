import type { Brief } from '../model.ts';
import type { Claim } from './draft.ts';

/** A brief must fit one Discord embed with its sources, and stay readable in a terminal. */
export const BRIEF_MAX_CHARS = 3500;

/** What a reader sees: the points with their dates and markers, and one line per source (URLs aside). */
export function briefLength(brief: Brief): number {
  const points = brief.points.reduce((sum, point) => sum + point.text.length + (point.date?.length ?? 0) + 4 * point.citations.length + 6, 0);
  const sources = brief.sources.reduce((sum, source) => sum + source.title.length + source.outlet.length + source.publishedAt.length + 10, 0);
  return points + sources;
}

/**
 * Drops the least important claims (a composer orders them by importance) until the brief fits
 * BRIEF_MAX_CHARS, keeping at least `minPoints`. Returns the claims kept and their brief.
 */
export function fitClaims(claims: readonly Claim[], build: (claims: Claim[]) => Brief, minPoints: number): { claims: Claim[]; brief: Brief } {
  let kept = [...claims];
  let brief = build(kept);
  while (briefLength(brief) > BRIEF_MAX_CHARS && kept.length > minPoints) {
    kept = kept.slice(0, -1);
    brief = build(kept);
  }
  return { claims: kept, brief };
}
