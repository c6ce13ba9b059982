import type { TopicMatcher } from '../topics/topic-matcher.ts';
import type { QueryTerm } from './bm25-searcher.ts';
import { tokenize } from './tokenize.ts';

/** Alias terms count for less than the user's own words: they widen recall without taking over. */
export const ALIAS_WEIGHT = 0.4;

/**
 * The user's words (weight 1, each once) plus, for every entity the query names in any language,
 * the words of its other aliases: 시진핑 평양 brings in "xi", "jinping" and "pyongyang".
 */
export function queryTerms(text: string, matchers: readonly TopicMatcher[], expandAliases = true): QueryTerm[] {
  const own = [...new Set(tokenize(text))];
  const terms: QueryTerm[] = own.map((term) => ({ term, weight: 1 }));
  if (!expandAliases) return terms;
  const seen = new Set(own);
  for (const matcher of matchers) {
    for (const entity of matcher.entitiesIn(text)) {
      for (const alias of entity.aliases) {
        for (const term of tokenize(alias)) {
          if (seen.has(term)) continue;
          seen.add(term);
          terms.push({ term, weight: ALIAS_WEIGHT });
        }
      }
    }
  }
  return terms;
}
