import type { IndexData } from './bm25-index.ts';
import { TopK } from './top-k.ts';

export type QueryTerm = { term: string; weight: number };

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

/**
 * Term-at-a-time BM25 over the index arrays. The accumulator is allocated once per index and
 * cleared through the list of touched passages, so a query allocates almost nothing.
 */
export class Bm25Searcher {
  private readonly termIds: Map<string, number>;
  private readonly accumulator: Float32Array;
  private readonly touched: Int32Array;

  constructor(readonly data: IndexData) {
    this.termIds = new Map(data.terms.map((term, id) => [term, id]));
    this.accumulator = new Float32Array(data.docArticle.length);
    this.touched = new Int32Array(data.docArticle.length);
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
    const article = this.data.docArticle[doc]!;
    const day = this.data.articleDay[article]!;
    if (filter.sinceDay !== undefined && day < filter.sinceDay) return false;
    if (filter.untilDay !== undefined && day > filter.untilDay) return false;
    if (filter.topicBit !== undefined && ((this.data.articleTopics[article]! >>> filter.topicBit) & 1) === 0) return false;
    if (filter.outlets && !filter.outlets.has(this.data.articleOutlet[article]!)) return false;
    if (filter.languages && !filter.languages.has(this.data.articleLanguage[article]!)) return false;
    return true;
  }

  search(query: readonly QueryTerm[], k: number, filter: SearchFilter = {}, recency?: RecencyBoost): Scored[] {
    const { termOffsets, postingDocs, postingWeights, idf, docArticle, articleDay } = this.data;
    const acc = this.accumulator;
    let touchedCount = 0;
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const termWeight = idf[id]! * weight;
      const end = termOffsets[id + 1]!;
      for (let at = termOffsets[id]!; at < end; at++) {
        const doc = postingDocs[at]!;
        if (acc[doc] === 0) this.touched[touchedCount++] = doc;
        acc[doc]! += termWeight * postingWeights[at]!;
      }
    }
    const hasFilter = Object.values(filter).some((value) => value !== undefined);
    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      const lexical = acc[doc]!;
      acc[doc] = 0;
      if (hasFilter && !this.accepts(doc, filter)) continue;
      let score = lexical;
      if (recency) {
        const age = Math.max(0, recency.nowDay - articleDay[docArticle[doc]!]!);
        score *= 1 + recency.weight * 2 ** (-age / recency.halfLifeDays);
      }
      top.push(doc, score);
    }
    return top.sorted().map(({ id, score }) => {
      const lexical = this.lexicalOf(id, query);
      return { doc: id, score, lexical, recency: lexical > 0 ? score / lexical - 1 : 0 };
    });
  }

  /** Recomputes one passage's lexical score (only for the k results, so the hot loop stays lean). */
  private lexicalOf(doc: number, query: readonly QueryTerm[]): number {
    const { termOffsets, postingDocs, postingWeights, idf } = this.data;
    let total = 0;
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      let lo = termOffsets[id]!;
      let hi = termOffsets[id + 1]! - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const value = postingDocs[mid]!;
        if (value === doc) {
          total += idf[id]! * weight * postingWeights[mid]!;
          break;
        }
        if (value < doc) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return total;
  }
}
