import { simhash } from './simhash.ts';

/** Okapi BM25 constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;
const DAY_MS = 86_400_000;

export type IndexArticle = {
  id: string;
  publishedAt: Date;
  outlet: string;
  language: string;
  /** Slugs of the topics whose on-topic rule the article meets. */
  topics: readonly string[];
};

export type IndexPassage = { articleIndex: number; ordinal: number; tokens: readonly string[] };

/** The arrays a BM25 index is made of; also what is written to disk. */
export type IndexData = {
  terms: string[];
  termOffsets: Int32Array; // postings of term t are [termOffsets[t], termOffsets[t+1])
  postingDocs: Int32Array;
  postingWeights: Float32Array; // the BM25 term-frequency part, ready to multiply by the idf
  idf: Float32Array;
  docArticle: Int32Array;
  docOrdinal: Int32Array;
  docSimHi: Uint32Array;
  docSimLo: Uint32Array;
  articleIds: string[];
  articleDay: Int32Array; // days since 1970-01-01 (UTC)
  articleOutlet: Int32Array;
  articleLanguage: Int32Array;
  articleTopics: Uint32Array; // bit i set = on topicSlugs[i]; 32 topics at most
  outlets: string[];
  languages: string[];
  topicSlugs: string[];
};

export const toDay = (date: Date): number => Math.floor(date.getTime() / DAY_MS);

function intern(values: string[], lookup: Map<string, number>, value: string): number {
  let index = lookup.get(value);
  if (index === undefined) {
    index = values.length;
    values.push(value);
    lookup.set(value, index);
  }
  return index;
}

/** Builds the arrays in two passes: term frequencies per passage, then postings laid out by term. */
export function buildIndexData(articles: readonly IndexArticle[], passages: readonly IndexPassage[], topicSlugs: readonly string[]): IndexData {
  if (topicSlugs.length > 32) throw new Error('At most 32 topics fit the topic bitmask.');
  const outlets: string[] = [];
  const languages: string[] = [];
  const outletLookup = new Map<string, number>();
  const languageLookup = new Map<string, number>();
  const articleDay = new Int32Array(articles.length);
  const articleOutlet = new Int32Array(articles.length);
  const articleLanguage = new Int32Array(articles.length);
  const articleTopics = new Uint32Array(articles.length);
  articles.forEach((article, index) => {
    articleDay[index] = toDay(article.publishedAt);
    articleOutlet[index] = intern(outlets, outletLookup, article.outlet);
    articleLanguage[index] = intern(languages, languageLookup, article.language);
    let bits = 0;
    for (const slug of article.topics) {
      const bit = topicSlugs.indexOf(slug);
      if (bit >= 0) bits |= 1 << bit;
    }
    articleTopics[index] = bits >>> 0;
  });

  const termLookup = new Map<string, number>();
  const terms: string[] = [];
  const docTerms: Int32Array[] = [];
  const docFreqs: Uint16Array[] = [];
  const docLength = new Float32Array(passages.length);
  const documentFrequency: number[] = [];
  const docSimHi = new Uint32Array(passages.length);
  const docSimLo = new Uint32Array(passages.length);
  let totalLength = 0;
  passages.forEach((passage, doc) => {
    const counts = new Map<number, number>();
    for (const token of passage.tokens) {
      const term = intern(terms, termLookup, token);
      counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    docTerms.push(Int32Array.from(counts.keys()));
    docFreqs.push(Uint16Array.from(counts.values(), (count) => Math.min(count, 65535)));
    for (const term of counts.keys()) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
    docLength[doc] = passage.tokens.length;
    totalLength += passage.tokens.length;
    [docSimHi[doc], docSimLo[doc]] = simhash(passage.tokens);
  });

  const averageLength = passages.length > 0 ? totalLength / passages.length : 1;
  const termOffsets = new Int32Array(terms.length + 1);
  for (let term = 0; term < terms.length; term++) termOffsets[term + 1] = termOffsets[term]! + (documentFrequency[term] ?? 0);
  const postingCount = termOffsets[terms.length] ?? 0;
  const postingDocs = new Int32Array(postingCount);
  const postingWeights = new Float32Array(postingCount);
  const cursor = termOffsets.slice(0, terms.length);
  for (let doc = 0; doc < passages.length; doc++) {
    const norm = K1 * (1 - B + (B * docLength[doc]!) / averageLength);
    const docTermList = docTerms[doc]!;
    const freqs = docFreqs[doc]!;
    for (let i = 0; i < docTermList.length; i++) {
      const term = docTermList[i]!;
      const at = cursor[term]!++;
      const tf = freqs[i]!;
      postingDocs[at] = doc;
      postingWeights[at] = (tf * (K1 + 1)) / (tf + norm);
    }
  }
  const idf = Float32Array.from(terms, (_, term) => {
    const df = documentFrequency[term] ?? 0;
    return Math.log(1 + (passages.length - df + 0.5) / (df + 0.5));
  });

  return {
    terms, termOffsets, postingDocs, postingWeights, idf,
    docArticle: Int32Array.from(passages, (p) => p.articleIndex),
    docOrdinal: Int32Array.from(passages, (p) => p.ordinal),
    docSimHi, docSimLo,
    articleIds: articles.map((article) => article.id),
    articleDay, articleOutlet, articleLanguage, articleTopics,
    outlets, languages, topicSlugs: [...topicSlugs],
  };
}
