import { sentenceSpans } from '../ingest/chunk.ts';
import { isoDay, type Hit } from '../model.ts';
import type { ConceptTerm } from '../retrieval/query-terms.ts';
import { withoutDateline } from './dateline.ts';
import type { Claim, Cited, Draft } from './draft.ts';

/**
 * Below this share of the question's weight (IDF-weighted, aliases counted at their lower weight)
 * found in one passage with its title, the sources do not answer it and we say so instead of guessing.
 */
export const ANSWER_MIN_COVERAGE = 0.45;
const MAX_SENTENCES = 3;
/** A further sentence must score at least this share of the best one. */
const RUNNER_UP_SHARE = 0.6;
/**
 * A sentence's score adds its passage's retrieval score (relative to the best hit) at this weight to
 * its coverage of the question (at most 1). Coverage alone let a sentence that repeats the question's
 * words from another year or event outrank the passage retrieval put first. Chosen on the 2017–2021
 * dev questions (0.5–1.5 answered alike); on the 2022–2026 ones, held out, 26 → 30 of 38 answers
 * cited an expected article.
 */
const RETRIEVAL_SHARE = 1;

export type AnswerRequest = {
  question: string;
  terms: readonly ConceptTerm[];
  hits: readonly Hit[];
  idf: (term: string) => number;
  /** The index terms of a text from an article (words, entity terms, its date terms), as the index saw them. */
  termsOf: (text: string, article: Hit['article']) => ReadonlySet<string>;
};

type Concept = { weight: number; terms: { term: string; credit: number }[] };

/** The question's concepts, each weighted by the rarest of the user's own words in it (years count double). */
function conceptsOf(terms: readonly ConceptTerm[], idf: (term: string) => number): Concept[] {
  const byConcept = new Map<string, Concept>();
  for (const term of terms) {
    const concept = byConcept.get(term.concept) ?? { weight: 0, terms: [] };
    concept.terms.push({ term: term.term, credit: term.credit });
    if (term.own) concept.weight = Math.max(concept.weight, idf(term.term) * term.weight);
    byConcept.set(term.concept, concept);
  }
  return [...byConcept.values()].filter((concept) => concept.weight > 0);
}

/** Share of the question's weight that a text covers; a concept is covered by its best word present. */
function coverage(present: ReadonlySet<string>, concepts: readonly Concept[]): number {
  let found = 0;
  let total = 0;
  for (const concept of concepts) {
    total += concept.weight;
    found += concept.weight * Math.max(0, ...concept.terms.filter(({ term }) => present.has(term)).map(({ credit }) => credit));
  }
  return total > 0 ? found / total : 0;
}

/**
 * The 1–3 sentences that best answer the question, verbatim and cited, or a draft with no claims and a
 * "not found in the sources" notice when no passage covers enough of what was asked.
 */
export function extractiveAnswer(request: AnswerRequest): { draft: Draft; cited: Map<string, Cited> } {
  const concepts = conceptsOf(request.terms, request.idf);
  // A wire dateline ("BEIJING, May 4 Kyodo - ") says where a report was filed, not what it is about:
  // counted, it let a story about Pyongyang answer "when did Kim first visit Beijing".
  const judged = request.hits.map((hit) => ({ hit, coverage: coverage(request.termsOf(`${hit.article.title}\n${withoutDateline(hit.passage.text)}`, hit.article), concepts) }));
  const answering = judged.filter((entry) => entry.coverage >= ANSWER_MIN_COVERAGE);
  if (answering.length === 0) {
    return { draft: { claims: [], composedBy: 'extractive', notices: ['Not found in the sources: no article we hold answers this question.'] }, cited: new Map() };
  }

  const topScore = Math.max(...request.hits.map((entry) => entry.score)) || 1;
  const sentences = answering.flatMap(({ hit, coverage: passageCoverage }) =>
    sentenceSpans(hit.passage.text, hit.article.language).map((span) => {
      const text = withoutDateline(hit.passage.text.slice(span.start, span.end));
      const own = coverage(request.termsOf(text, hit.article), concepts);
      return { hit, text, score: own * 0.6 + passageCoverage * 0.4 + RETRIEVAL_SHARE * (hit.score / topScore) };
    }),
  );
  sentences.sort((a, b) => b.score - a.score);
  const best = sentences[0]?.score ?? 0;
  const claims: Claim[] = [];
  const cited = new Map<string, Cited>();
  const usedArticles = new Set<string>();
  for (const sentence of sentences) {
    if (claims.length >= MAX_SENTENCES || sentence.score < best * RUNNER_UP_SHARE) break;
    if (sentence.text.length < 30 || usedArticles.has(sentence.hit.article.id)) continue;
    usedArticles.add(sentence.hit.article.id);
    cited.set(sentence.hit.passage.id, { passage: sentence.hit.passage, article: sentence.hit.article });
    claims.push({ text: sentence.text, date: isoDay(sentence.hit.article.publishedAt), citations: [sentence.hit.passage.id] });
  }
  return { draft: { claims, composedBy: 'extractive', notices: [] }, cited };
}
