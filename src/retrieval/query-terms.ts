import type { TopicMatcher } from '../topics/topic-matcher.ts';
import type { QueryTerm } from './bm25-searcher.ts';
import { synonymsOf } from './synonyms.ts';
import { tokenize } from './tokenize.ts';

/** Alias terms count for less than the user's own words: they widen recall without taking over. */
export const ALIAS_WEIGHT = 0.4;
/** Synonyms count for less still: a paraphrase is weaker evidence than the user's own word. */
export const SYNONYM_WEIGHT = 0.3;
const SYNONYM_CREDIT = 0.6;

/** A year in a question ("in 2019") is usually the sharpest constraint it has. */
const YEAR = /^(?:19|20)\d\d$/;
const YEAR_WEIGHT = 2;

/** "last year" and "this year" as the years they mean, measured from `now`. */
function relativeYears(text: string, now: Date | undefined): string[] {
  if (!now) return [];
  const year = now.getUTCFullYear();
  const found: string[] = [];
  if (/\blast year\b|작년|지난해|去年/i.test(text)) found.push(String(year - 1));
  if (/\bthis year\b|올해|今年/i.test(text)) found.push(String(year));
  return found;
}

/** A query word, or an alias word it brought in; words of one concept answer for each other. */
export type ConceptTerm = QueryTerm & {
  concept: string;
  own: boolean;
  /** How much of its concept a text covers by containing this word: a synonym is weaker evidence. */
  credit: number;
};

/**
 * The user's words (weight 1, each once) plus, for every entity the query names in any language,
 * the words of its other aliases: 시진핑 평양 brings in "xi", "jinping" and "pyongyang". The user's
 * words that name an entity share its concept with the alias words, so an English passage saying
 * "Xi" covers a question that says 시진핑.
 */
export function queryTerms(text: string, matchers: readonly TopicMatcher[], expandAliases = true, now?: Date): ConceptTerm[] {
  const own = [...new Set([...tokenize(text), ...relativeYears(text, now)])];
  const terms: ConceptTerm[] = own.map((term) => ({ term, weight: YEAR.test(term) ? YEAR_WEIGHT : 1, concept: term, own: true, credit: 1 }));
  if (!expandAliases) return terms;
  const seen = new Set(own);
  for (const term of own) {
    for (const synonym of synonymsOf(term)) {
      if (seen.has(synonym)) continue;
      seen.add(synonym);
      terms.push({ term: synonym, weight: SYNONYM_WEIGHT, concept: term, own: false, credit: SYNONYM_CREDIT });
    }
  }
  for (const matcher of matchers) {
    for (const entity of matcher.entitiesIn(text)) {
      const concept = `entity:${entity.id}`;
      const aliasTerms = new Set(entity.aliases.flatMap((alias) => tokenize(alias)));
      for (const term of terms) if (term.own && term.concept === term.term && aliasTerms.has(term.term)) term.concept = concept;
      for (const term of aliasTerms) {
        if (seen.has(term)) continue;
        seen.add(term);
        terms.push({ term, weight: ALIAS_WEIGHT, concept, own: false, credit: 1 });
      }
    }
  }
  return terms;
}

/**
 * Search weights: an alias or synonym never outweighs the user's word it stands for. Without the cap,
 * an English "north korea" would pull in the rare (so heavily weighted) 북한 and rank Korean
 * articles above the English ones that answer the question.
 */
export function weighTerms(terms: readonly ConceptTerm[], idf: (term: string) => number): QueryTerm[] {
  const ownIdf = new Map<string, number>();
  for (const term of terms) if (term.own) ownIdf.set(term.concept, Math.max(ownIdf.get(term.concept) ?? 0, idf(term.term)));
  return terms.map((term) => {
    if (term.own) return { term: term.term, weight: term.weight };
    const cap = ownIdf.get(term.concept) ?? 0;
    const own = idf(term.term);
    return { term: term.term, weight: own > 0 && cap > 0 ? term.weight * Math.min(1, cap / own) : term.weight };
  });
}
