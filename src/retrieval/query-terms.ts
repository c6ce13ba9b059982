import type { TopicMatcher } from '../topics/topic-matcher.ts';
import type { QueryTerm } from './bm25-searcher.ts';
import { tokenize } from './tokenize.ts';

/** Alias terms count for less than the user's own words: they widen recall without taking over. */
export const ALIAS_WEIGHT = 0.4;

/** A query word, or an alias word it brought in; words of one concept answer for each other. */
export type ConceptTerm = QueryTerm & { concept: string; own: boolean };

/**
 * The user's words (weight 1, each once) plus, for every entity the query names in any language,
 * the words of its other aliases: 시진핑 평양 brings in "xi", "jinping" and "pyongyang". The user's
 * words that name an entity share its concept with the alias words, so an English passage saying
 * "Xi" covers a question that says 시진핑.
 */
export function queryTerms(text: string, matchers: readonly TopicMatcher[], expandAliases = true): ConceptTerm[] {
  const own = [...new Set(tokenize(text))];
  const terms: ConceptTerm[] = own.map((term) => ({ term, weight: 1, concept: term, own: true }));
  if (!expandAliases) return terms;
  const seen = new Set(own);
  for (const matcher of matchers) {
    for (const entity of matcher.entitiesIn(text)) {
      const concept = `entity:${entity.id}`;
      const aliasTerms = new Set(entity.aliases.flatMap((alias) => tokenize(alias)));
      for (const term of terms) if (term.own && term.concept === term.term && aliasTerms.has(term.term)) term.concept = concept;
      for (const term of aliasTerms) {
        if (seen.has(term)) continue;
        seen.add(term);
        terms.push({ term, weight: ALIAS_WEIGHT, concept, own: false });
      }
    }
  }
  return terms;
}
