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

/** Relative slack on score bounds: float32 sums taken in another order differ by far less than this. */
const SLACK = 1e-5;

/** The first position in [at, end) whose doc is ≥ doc: doubling steps, then a binary search of the last one. */
function gallop(docs: Int32Array, at: number, end: number, doc: number): number {
  if (at >= end || docs[at]! >= doc) return at;
  let lo = at;
  let step = 1;
  while (lo + step < end && docs[lo + step]! < doc) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, end);
  lo += 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid]! < doc) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Plan = { ids: number[]; termWeights: number[]; bounds: number[]; prunable: boolean };

/**
 * A term is galloped through (a binary search per candidate) when its list holds more than this many
 * postings per candidate, and read straight through otherwise; about where the two cost the same.
 */
const GALLOP_RATIO = 8;

/** What thinning the candidates costs per candidate, in postings read: a heap push and a bound check. */
const THIN_COST = 4;

/** The passages still able to reach the top k: a list, and one mark byte per passage for reading lists straight through. */
class Candidates {
  count = 0;
  private ascending = true;

  constructor(readonly docs: Int32Array, readonly mark: Uint8Array) {}

  add(doc: number): void {
    if (this.count > 0 && this.docs[this.count - 1]! > doc) this.ascending = false;
    this.docs[this.count++] = doc;
    this.mark[doc] = 1;
  }

  /** In doc order, as galloping needs; sorted once, and thinning keeps the order. */
  sorted(): Int32Array {
    const docs = this.docs.subarray(0, this.count);
    if (!this.ascending) docs.sort(); // numeric and native on a typed array
    this.ascending = true;
    return docs;
  }

  keep(test: (doc: number) => boolean): void {
    let kept = 0;
    for (let c = 0; c < this.count; c++) {
      const doc = this.docs[c]!;
      if (test(doc)) this.docs[kept++] = doc;
      else this.mark[doc] = 0;
    }
    this.count = kept;
  }

  /** The survivors in doc order, with every mark cleared for the next query. */
  release(): Int32Array {
    const docs = this.sorted();
    for (let c = 0; c < docs.length; c++) this.mark[docs[c]!] = 0;
    return docs;
  }
}

/**
 * Term-at-a-time BM25 over the index arrays. The accumulator is allocated once per index and
 * cleared through the list of touched passages, so a query allocates almost nothing.
 *
 * MaxScore-style early termination keeps long queries cheap without changing a result. Terms are
 * added highest possible contribution first; once k passages already score more than all the
 * remaining terms could give a passage not yet seen, no new passage is taken in. The passages still
 * able to reach the top k (a few dozen) are then scored exactly as an exhaustive run would, terms
 * in query order and summed in float32, so scores, order and ties are the same as without pruning.
 */
export class Bm25Searcher {
  private readonly termIds: Map<string, number>;
  private readonly accumulator: Float32Array;
  private readonly touched: Int32Array;
  /** Room for the pruned search's candidates, allocated once like the accumulator. */
  private readonly candidateDocs: Int32Array;
  private readonly candidateMark: Uint8Array;
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
    this.candidateDocs = new Int32Array(data.docArticle.length);
    this.candidateMark = new Uint8Array(data.docArticle.length);
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
    let prunable = true;
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const termWeight = this.data.idf[id]! * weight;
      // Bounds assume every term only adds; a zero or negative weight takes the plain path.
      if (!(termWeight > 0)) prunable = false;
      ids.push(id);
      termWeights.push(termWeight);
      bounds.push(prunable ? termWeight * this.maxWeight(id) : 0);
    }
    return { ids, termWeights, bounds, prunable };
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
    const { termOffsets, postingDocs, postingWeights, docArticle } = this.data;
    const acc = this.accumulator;
    const touched = this.touched;
    const factors = boost?.factors;
    const order = plan.ids.map((_, j) => j).sort((a, b) => plan.bounds[b]! - plan.bounds[a]!);
    // remaining[i]: the most the terms order[i…] can add to one passage's lexical score.
    const remaining = new Float64Array(order.length + 1);
    const remainingPostings = new Float64Array(order.length + 1);
    for (let i = order.length - 1; i >= 0; i--) {
      const j = order[i]!;
      const id = plan.ids[j]!;
      remaining[i] = remaining[i + 1]! + plan.bounds[j]!;
      remainingPostings[i] = remainingPostings[i + 1]! + termOffsets[id + 1]! - termOffsets[id]!;
    }
    const maxFactor = boost?.max ?? 1;

    let touchedCount = 0;
    let i = 0;
    let threshold = -Infinity;
    for (; i < order.length; i++) {
      // A check reads every touched passage: worth it only while the terms left hold more postings,
      // and possible only once the terms added can outscore the terms left (no partial score is higher).
      if (i > 0 && touchedCount >= k && remainingPostings[i]! > touchedCount && remaining[0]! - remaining[i]! > remaining[i]!) {
        threshold = this.kthLowerBound(touchedCount, k, accepted, factors);
        if (threshold > remaining[i]! * maxFactor * (1 + SLACK)) break;
      }
      const j = order[i]!;
      const id = plan.ids[j]!;
      const termWeight = plan.termWeights[j]!;
      const end = termOffsets[id + 1]!;
      for (let at = termOffsets[id]!; at < end; at++) {
        const doc = postingDocs[at]!;
        if (acc[doc] === 0) touched[touchedCount++] = doc;
        acc[doc]! += termWeight * postingWeights[at]!;
      }
    }
    // With every term added, the bar is the k-th score itself; the exact scores may differ in the last bits.
    if (i === order.length) threshold = this.kthLowerBound(touchedCount, k, accepted, factors);
    const candidates = new Candidates(this.candidateDocs, this.candidateMark);
    const reach = (doc: number, left: number) => (acc[doc]! + left) * (factors ? factors[docArticle[doc]!]! : 1) * (1 + SLACK) >= threshold * (1 - SLACK);
    const left = remaining[i]!;
    for (let t = 0; t < touchedCount; t++) {
      const doc = touched[t]!;
      if (accepted && accepted[docArticle[doc]!] === 0) continue;
      if (reach(doc, left)) candidates.add(doc);
    }
    // The terms left only add to the candidates; each one raises the bar and thins the candidates out,
    // unless thinning would read more candidates than the terms left hold postings (then only the last does).
    for (; i < order.length && candidates.count > k; i++) {
      const j = order[i]!;
      this.addToCandidates(plan.ids[j]!, plan.termWeights[j]!, candidates, acc);
      if (i + 1 < order.length && candidates.count * THIN_COST > remainingPostings[i + 1]!) continue;
      const bar = new TopK(k);
      const { docs, count } = candidates;
      for (let c = 0; c < count; c++) bar.push(docs[c]!, acc[docs[c]!]! * (factors ? factors[docArticle[docs[c]!]!]! : 1));
      threshold = Math.max(threshold, bar.threshold);
      const after = remaining[i + 1]!;
      candidates.keep((doc) => reach(doc, after));
    }
    for (let t = 0; t < touchedCount; t++) acc[touched[t]!] = 0;
    const survivors = candidates.release();
    const exact = this.exactScores(plan, survivors);
    const top = new TopK(k);
    for (let c = 0; c < survivors.length; c++) top.push(survivors[c]!, exact[c]! * (factors ? factors[docArticle[survivors[c]!]!]! : 1));
    return top;
  }

  /**
   * Adds one term to the candidates' scores in `scores`. Few candidates against a long list: gallop
   * from one candidate to the next. Many: read the list straight through and add where a candidate is
   * marked, which costs a load and a branch per posting instead of a search per candidate.
   */
  private addToCandidates(id: number, termWeight: number, candidates: Candidates, scores: Float32Array): void {
    const { termOffsets, postingDocs, postingWeights } = this.data;
    const start = termOffsets[id]!;
    const end = termOffsets[id + 1]!;
    if (candidates.count * GALLOP_RATIO >= end - start) {
      const mark = candidates.mark;
      for (let at = start; at < end; at++) if (mark[postingDocs[at]!] === 1) scores[postingDocs[at]!]! += termWeight * postingWeights[at]!;
      return;
    }
    const docs = candidates.sorted();
    let at = start;
    for (let c = 0; c < docs.length && at < end; c++) {
      const doc = docs[c]!;
      at = gallop(postingDocs, at, end, doc);
      if (at < end && postingDocs[at] === doc) scores[doc]! += termWeight * postingWeights[at]!;
    }
  }

  /** The k-th best score some accepted passage already has for sure (terms only ever add). */
  private kthLowerBound(touchedCount: number, k: number, accepted: Uint8Array | undefined, factors: Float64Array | undefined): number {
    const { docArticle } = this.data;
    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      const article = docArticle[doc]!;
      if (accepted && accepted[article] === 0) continue;
      const score = factors ? this.accumulator[doc]! * factors[article]! : this.accumulator[doc]!;
      if (score > top.threshold) top.push(doc, score);
    }
    return top.threshold;
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
      let lo = termOffsets[id]!;
      let hi = termOffsets[id + 1]! - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const value = postingDocs[mid]!;
        if (value === doc) {
          total += plan.termWeights[j]! * postingWeights[mid]!;
          break;
        }
        if (value < doc) lo = mid + 1;
        else hi = mid - 1;
      }
    });
    return total;
  }
}
