import type { Brief } from '../model.ts';

/** A brief must fit one Discord embed with its sources, and stay readable in a terminal. */
export const BRIEF_MAX_CHARS = 3500;

/** What a reader sees: the points with their dates and markers, and one line per source (URLs aside). */
export function briefLength(brief: Brief): number {
  const points = brief.points.reduce((sum, point) => sum + point.text.length + (point.date?.length ?? 0) + 4 * point.citations.length + 6, 0);
  const sources = brief.sources.reduce((sum, source) => sum + source.title.length + source.outlet.length + source.publishedAt.length + 10, 0);
  return points + sources;
}

/**
 * Composes with fewer points until the brief fits BRIEF_MAX_CHARS, keeping at least `minPoints`
 * (the least important points go first, since a composer orders them by importance).
 */
export function fitBrief<T extends { brief: Brief }>(compose: (maxPoints: number) => T, maxPoints: number, minPoints: number): T {
  let composed = compose(maxPoints);
  for (let points = Math.min(maxPoints, composed.brief.points.length) - 1; points >= minPoints && briefLength(composed.brief) > BRIEF_MAX_CHARS; points--) {
    composed = compose(points);
  }
  return composed;
}
