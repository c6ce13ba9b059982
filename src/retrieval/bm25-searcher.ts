import type { IndexData } from './bm25-index.ts';
import { gallop, maxScoreCandidates, type ScoredList } from './max-score.ts';
import { MergedLists } from './merged-lists.ts';
import { TopK } from './top-k.ts';

/**
 * A word and what it weighs. Terms that share a `group` (a word's synonyms) are pruned as one list:
 * scores are the same either way, and one merged list is cheaper to skip than many weak ones.
 */
export type QueryTerm = { term: string; weight: number; group?: string | undefined };

/** Which passages may match; each bound is optional. Days are days since 1970-01-01 (UTC). */
export type SearchFilter = {
  sinceDay?: number | undefined;
  untilDay?: number | undefined;
  topicBit?: number | undefined;
  outlets?: ReadonlySet<number> | undefined;
  languages?: ReadonlySet<number> | undefined;
};

/** score = lexical × (1 + weight × 2^(−age / halfLife)): a fresh passage counts up to (1 + weight)×. */
export type RecencyBoost = { nowDay: number; halfLifeDays: number; weight: number };

export type Scored = { doc: number; score: number; lexical: number; recency: number };

type Plan = { ids: number[]; termWeights: number[]; bounds: number[]; groups: (string | undefined)[]; prunable: boolean };

/**
 * BM25 over the index arrays. A query whose weights are all positive is pruned (document-at-a-time
 * MaxScore, max-score.ts): passages that cannot reach the top k are never fully scored. The
 * passages that may are then scored exactly as scoring every posting would score them, terms in
 * query order and summed in float32, so scores, order and ties are the same as without pruning.
 * Other queries take the plain term-at-a-time loop, whose accumulator is allocated once per index.
 */
export class Bm25Searcher {
  private readonly termIds: Map<string, number>;
  private readonly accumulator: Float32Array;
  private readonly touched: Int32Array;
  private readonly merged: MergedLists;
  /** The largest term-frequency weight in each term's postings; -1 until a query first needs it. */
  private readonly termMaxWeight: Float32Array;
  /** Recency factor per article for one (nowDay, half-life, weight): a day's queries share it. */
  private recency: { key: string; factors: Float64Array; max: number } | undefined;
  /** Whether each article passes one filter, kept while the next query asks the same. */
  private accepted: { key: string; articles: Uint8Array } | undefined;

  constructor(readonly data: IndexData) {
    this.termIds = new Map(data.terms.map((term, id) => [term, id]));
    this.accumulator = new Float32Array(data.docArticle.length);
    this.touched = new Int32Array(data.docArticle.length);
    this.merged = new MergedLists({ termOffsets: data.termOffsets, postingDocs: data.postingDocs, postingWeights: data.postingWeights, passages: data.docArticle.length });
    this.termMaxWeight = new Float32Array(data.terms.length).fill(-1);
  }

  get passageCount(): number {
    return this.data.docArticle.length;
  }

  /**
   * The term's BM25 idf, for callers that weigh words (answer coverage, TF-IDF grouping). A word no
   * passage contains gets the highest idf there is: a question about pandas is mostly about pandas.
   */
  idf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? Math.log(1 + (this.passageCount + 0.5) / 0.5) : this.data.idf[id]!;
  }

  accepts(doc: number, filter: SearchFilter): boolean {
    return this.articleAccepts(this.data.docArticle[doc]!, filter);
  }

  private articleAccepts(article: number, filter: SearchFilter): boolean {
    const day = this.data.articleDay[article]!;
    if (filter.sinceDay !== undefined && day < filter.sinceDay) return false;
    if (filter.untilDay !== undefined && day > filter.untilDay) return false;
    if (filter.topicBit !== undefined && ((this.data.articleTopics[article]! >>> filter.topicBit) & 1) === 0) return false;
    if (filter.outlets && !filter.outlets.has(this.data.articleOutlet[article]!)) return false;
    if (filter.languages && !filter.languages.has(this.data.articleLanguage[article]!)) return false;
    return true;
  }

  /** One byte per article: checking 20k articles once beats checking 100k touched passages per query. */
  private acceptedArticles(filter: SearchFilter): Uint8Array {
    // Sets have no cheap key; a filter with outlets or languages is evaluated afresh.
    const key = filter.outlets || filter.languages ? undefined : `${filter.sinceDay}/${filter.untilDay}/${filter.topicBit}`;
    if (key !== undefined && this.accepted?.key === key) return this.accepted.articles;
    const articles = new Uint8Array(this.data.articleDay.length);
    for (let article = 0; article < articles.length; article++) articles[article] = this.articleAccepts(article, filter) ? 1 : 0;
    if (key !== undefined) this.accepted = { key, articles };
    return articles;
  }

  /** 1 + weight × 2^(−age / halfLife) per article, computed once per day instead of once per passage. */
  private recencyFactors(recency: RecencyBoost): { factors: Float64Array; max: number } {
    const key = `${recency.nowDay}/${recency.halfLifeDays}/${recency.weight}`;
    if (this.recency?.key === key) return this.recency;
    const { articleDay } = this.data;
    const factors = new Float64Array(articleDay.length);
    let max = 0;
    for (let article = 0; article < factors.length; article++) {
      const age = Math.max(0, recency.nowDay - articleDay[article]!);
      factors[article] = 1 + recency.weight * 2 ** (-age / recency.halfLifeDays);
      max = Math.max(max, factors[article]!);
    }
    this.recency = { key, factors, max };
    return this.recency;
  }

  private maxWeight(id: number): number {
    let max = this.termMaxWeight[id]!;
    if (max >= 0) return max;
    const { termOffsets, postingWeights } = this.data;
    max = 0;
    for (let at = termOffsets[id]!, end = termOffsets[id + 1]!; at < end; at++) max = Math.max(max, postingWeights[at]!);
    this.termMaxWeight[id] = max;
    return max;
  }

  private plan(query: readonly QueryTerm[]): Plan {
    const ids: number[] = [];
    const termWeights: number[] = [];
    const bounds: number[] = [];
    const groups: (string | undefined)[] = [];
    let prunable = true;
    for (const { term, weight, group } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const termWeight = this.data.idf[id]! * weight;
      // Bounds assume every term only adds; a zero or negative weight takes the plain path.
      if (!(termWeight > 0)) prunable = false;
      ids.push(id);
      termWeights.push(termWeight);
      bounds.push(prunable ? termWeight * this.maxWeight(id) : 0);
      groups.push(group);
    }
    return { ids, termWeights, bounds, groups, prunable };
  }

  /** A list per ungrouped term (views into the index), one merged list per group of two or more. */
  private scoredLists(plan: Plan): ScoredList[] {
    const { termOffsets, postingDocs, postingWeights } = this.data;
    const single = (j: number): ScoredList => {
      const start = termOffsets[plan.ids[j]!]!;
      const end = termOffsets[plan.ids[j]! + 1]!;
      return { docs: postingDocs.subarray(start, end), weights: postingWeights.subarray(start, end), scale: plan.termWeights[j]!, bound: plan.bounds[j]! };
    };
    const lists: ScoredList[] = [];
    const groups = new Map<string, number[]>();
    plan.groups.forEach((group, j) => {
      if (group === undefined) lists.push(single(j));
      else if (groups.has(group)) groups.get(group)!.push(j);
      else groups.set(group, [j]);
    });
    for (const members of groups.values()) {
      lists.push(members.length === 1 ? single(members[0]!) : this.merged.get(members.map((j) => ({ id: plan.ids[j]!, termWeight: plan.termWeights[j]! }))));
    }
    return lists;
  }

  search(query: readonly QueryTerm[], k: number, filter: SearchFilter = {}, recency?: RecencyBoost): Scored[] {
    const hasFilter = Object.values(filter).some((value) => value !== undefined);
    const accepted = hasFilter ? this.acceptedArticles(filter) : undefined;
    const boost = recency ? this.recencyFactors(recency) : undefined;
    const plan = this.plan(query);
    const top = plan.prunable && k > 0 ? this.searchPruned(plan, k, accepted, boost) : this.searchExhaustive(plan, k, accepted, boost?.factors);
    return top.sorted().map(({ id, score }) => {
      const lexical = this.lexicalOf(id, plan);
      return { doc: id, score, lexical, recency: lexical > 0 ? score / lexical - 1 : 0 };
    });
  }

  /** Every posting of every term, in query order. */
  private searchExhaustive(plan: Plan, k: number, accepted: Uint8Array | undefined, factors: Float64Array | undefined): TopK {
    const { termOffsets, postingDocs, postingWeights, docArticle } = this.data;
    const acc = this.accumulator;
    let touchedCount = 0;
    plan.ids.forEach((id, j) => {
      const termWeight = plan.termWeights[j]!;
      const end = termOffsets[id + 1]!;
      for (let at = termOffsets[id]!; at < end; at++) {
        const doc = postingDocs[at]!;
        if (acc[doc] === 0) this.touched[touchedCount++] = doc;
        acc[doc]! += termWeight * postingWeights[at]!;
      }
    });
    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      const lexical = acc[doc]!;
      acc[doc] = 0;
      if (accepted && accepted[docArticle[doc]!] === 0) continue;
      top.push(doc, factors ? lexical * factors[docArticle[doc]!]! : lexical);
    }
    return top;
  }

  private searchPruned(plan: Plan, k: number, accepted: Uint8Array | undefined, boost: { factors: Float64Array; max: number } | undefined): TopK {
    const { docArticle } = this.data;
    const factors = boost?.factors;
    const candidates = maxScoreCandidates(this.scoredLists(plan), k, { docArticle, accepted, factors, maxFactor: boost?.max ?? 1 });
    const exact = this.exactScores(plan, candidates);
    const top = new TopK(k);
    for (let c = 0; c < candidates.length; c++) top.push(candidates[c]!, factors ? exact[c]! * factors[docArticle[candidates[c]!]!]! : exact[c]!);
    return top;
  }

  /**
   * The lexical scores of the doc-sorted candidates, summed as the exhaustive loop sums them: terms in
   * query order, rounded to float32 after each. Each term's postings are galloped through once.
   */
  private exactScores(plan: Plan, candidates: Int32Array): Float32Array {
    const { termOffsets, postingDocs, postingWeights } = this.data;
    const scores = new Float32Array(candidates.length);
    plan.ids.forEach((id, j) => {
      const termWeight = plan.termWeights[j]!;
      const end = termOffsets[id + 1]!;
      let at = termOffsets[id]!;
      for (let c = 0; c < candidates.length && at < end; c++) {
        const doc = candidates[c]!;
        at = gallop(postingDocs, at, end, doc);
        if (at < end && postingDocs[at] === doc) scores[c]! += termWeight * postingWeights[at]!;
      }
    });
    return scores;
  }

  /** Recomputes one passage's lexical score (only for the k results, so the hot loop stays lean). */
  private lexicalOf(doc: number, plan: Plan): number {
    const { termOffsets, postingDocs, postingWeights } = this.data;
    let total = 0;
    plan.ids.forEach((id, j) => {
      const end = termOffsets[id + 1]!;
      const at = gallop(postingDocs, termOffsets[id]!, end, doc);
      if (at < end && postingDocs[at] === doc) total += plan.termWeights[j]! * postingWeights[at]!;
    });
    return total;
  }
}
