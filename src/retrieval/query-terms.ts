import type { Entity } from '../topics/topic.ts';
import { entityTerm, type TopicMatcher } from '../topics/topic-matcher.ts';
import type { QueryTerm } from './bm25-searcher.ts';
import { isHeadWord, synonymsOf } from './synonyms.ts';
import { tokenize } from './tokenize.ts';

/** Synonyms count for less still: a paraphrase is weaker evidence than the user's own word. */
export const SYNONYM_WEIGHT = 0.3;
const SYNONYM_CREDIT = 0.6;
const OTHER_NAME_CREDIT = 0.8;

/** A year in a question ("in 2019") is usually the sharpest constraint it has. */
const CJK = /[\p{Script=Han}\p{Script=Hangul}]/u;
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

/** Tokenizing an entity's aliases (Korean and Chinese among them) cost more than the rest of a query; done once per entity. */
const aliasWordCache = new WeakMap<Entity, ReadonlySet<string>>();
function aliasWordsOf(entity: Entity): ReadonlySet<string> {
  let words = aliasWordCache.get(entity);
  if (!words) aliasWordCache.set(entity, (words = new Set(entity.aliases.flatMap((alias) => tokenize(alias)))));
  return words;
}

/** A query word, or an alias word it brought in; words of one concept answer for each other. */
export type ConceptTerm = QueryTerm & {
  concept: string;
  own: boolean;
  /** How much of its concept a text covers by containing this word: a synonym is weaker evidence. */
  credit: number;
  /** The word in another language: it searches with the full weight of the word it translates. */
  translation?: boolean;
};

/**
 * The user's words (weight 1, each once), their synonyms, and for every entity the query names in
 * any language, the entity's index term: 시진핑 평양 becomes ~xi-jinping and ~dprk, which English
 * articles carry too. Words that named an entity join the entity's concept for coverage.
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
      // The group's head word in another script is the translation: as good as the word itself.
      const translation = CJK.test(term) !== CJK.test(synonym) && isHeadWord(synonym);
      terms.push(
        translation
          ? { term: synonym, weight: 1, concept: term, own: false, credit: 1, translation }
          : { term: synonym, weight: SYNONYM_WEIGHT, concept: term, own: false, credit: SYNONYM_CREDIT },
      );
    }
  }
  for (const matcher of matchers) {
    for (const entity of matcher.entitiesIn(text)) {
      const concept = `entity:${entity.id}`;
      if (terms.some((term) => term.concept === concept)) continue;
      const aliasWords = aliasWordsOf(entity);
      let typedWord = false;
      for (const term of terms) {
        if (term.own && term.concept === term.term && aliasWords.has(term.term)) {
          term.concept = concept;
          // A Korean or Chinese name searches only through the entity term, or articles in that
          // language would score twice for one name; English words keep their own weight.
          if (CJK.test(term.term)) term.weight = 0;
          else typedWord = true;
        }
      }
      // Another name of the entity answers for the word the user typed, but less well: asked about
      // Beijing, a passage that says Beijing beats one that only says Chinese.
      terms.push({ term: entityTerm(entity.id), weight: 1, concept, own: true, credit: typedWord ? OTHER_NAME_CREDIT : 1 });
    }
  }
  return terms;
}

/**
 * Search weights: a synonym never outweighs the user's word it stands for (a rare synonym would
 * otherwise take over the query), and words that only named an entity search through its term.
 * A word's synonyms share a search group, so the pruned search reads them as one list.
 */
export function weighTerms(terms: readonly ConceptTerm[], idf: (term: string) => number): QueryTerm[] {
  const ownIdf = new Map<string, number>();
  for (const term of terms) if (term.own) ownIdf.set(term.concept, Math.max(ownIdf.get(term.concept) ?? 0, idf(term.term)));
  return terms.filter((term) => term.weight > 0).map((term) => {
    if (term.own) return { term: term.term, weight: term.weight };
    const group = `synonyms:${term.concept}`;
    const cap = ownIdf.get(term.concept) ?? 0;
    const own = idf(term.term);
    if (own <= 0 || cap <= 0) return { term: term.term, weight: term.weight, group };
    // A translation scores what the translated word would (방문 is rare, "visit" common); a synonym at most that.
    return { term: term.term, weight: term.weight * (term.translation ? cap / own : Math.min(1, cap / own)), group };
  });
}
