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

/** An Int32Array that doubles when full: millions of postings without millions of small arrays. */
class Int32Buffer {
  array = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new Int32Array(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }
}

/** FNV-1a over `text`, continuing from `state`; with simhash.ts's seeds it gives the same hashes. */
function fnv1a(state: number, text: string): number {
  let hash = state;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const SEED_LO = 0x811c9dc5;
const SEED_HI = 0x01000193;
const SPACE = 0x20;
/** A nibble's four bits spread to the low bit of four bytes, so one add counts four bit positions. */
const SPREAD = Int32Array.from({ length: 16 }, (_, nibble) => (nibble & 1) | ((nibble & 2) << 7) | ((nibble & 4) << 14) | ((nibble & 8) << 21));
/** Lanes are emptied into `ones` every 127 features, so the top byte never reaches the sign bit. */
const LANE_MAX = 127;

/**
 * simhash.ts's 64-bit SimHash of a passage's tokens (unigrams and bigrams, FNV-1a, majority vote),
 * computed without a string per bigram or a 64-step loop per feature: each term is hashed once when
 * the builder first meets it, a bigram continues from its first word's state, and votes are counted
 * a nibble at a time in byte lanes. `votes > 0` there is `2 × ones > features` here, so the bits are
 * the same (tests/bench/index-simhash.test.ts checks them against simhash()).
 */
class SimHasher {
  /** Per term: its FNV-1a hash, and the state after the term and a space, for each seed. */
  private readonly hashLo = new Int32Buffer();
  private readonly hashHi = new Int32Buffer();
  private readonly pairLo = new Int32Buffer();
  private readonly pairHi = new Int32Buffer();
  private readonly lanes = new Int32Array(16);
  private readonly ones = new Int32Array(64);
  private inLanes = 0;

  addTerm(term: string): void {
    const lo = fnv1a(SEED_LO, term);
    const hi = fnv1a(SEED_HI, term);
    this.hashLo.push(lo);
    this.hashHi.push(hi);
    this.pairLo.push(Math.imul(lo ^ SPACE, 0x01000193));
    this.pairHi.push(Math.imul(hi ^ SPACE, 0x01000193));
  }

  /** [hi, lo] of the passage whose tokens are `tokens`, interned as `ids`. */
  fingerprint(tokens: readonly string[], ids: Int32Array): [number, number] {
    const count = tokens.length;
    this.ones.fill(0);
    this.lanes.fill(0);
    this.inLanes = 0;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      this.vote(this.hashLo.array[id]! >>> 0, this.hashHi.array[id]! >>> 0);
      if (i + 1 < count) {
        const next = tokens[i + 1]!;
        this.vote(fnv1a(this.pairLo.array[id]! >>> 0, next), fnv1a(this.pairHi.array[id]! >>> 0, next));
      }
    }
    this.emptyLanes();
    const features = count > 0 ? 2 * count - 1 : 0;
    let lo = 0;
    let hi = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (2 * this.ones[bit]! > features) lo |= 1 << bit;
      if (2 * this.ones[bit + 32]! > features) hi |= 1 << bit;
    }
    return [hi >>> 0, lo >>> 0];
  }

  private vote(lo: number, hi: number): void {
    const lanes = this.lanes;
    for (let nibble = 0; nibble < 8; nibble++) {
      lanes[nibble]! += SPREAD[(lo >>> (4 * nibble)) & 15]!;
      lanes[nibble + 8]! += SPREAD[(hi >>> (4 * nibble)) & 15]!;
    }
    if (++this.inLanes === LANE_MAX) this.emptyLanes();
  }

  private emptyLanes(): void {
    for (let lane = 0; lane < 16; lane++) {
      const packed = this.lanes[lane]!;
      // Lanes 0–7 count bits of the low word, 8–15 of the high word; nibble n holds bits 4n…4n+3.
      const base = (lane & 7) * 4 + (lane & 8 ? 32 : 0);
      for (let byte = 0; byte < 4; byte++) this.ones[base + byte]! += (packed >>> (8 * byte)) & 0xff;
    }
    this.lanes.fill(0);
    this.inLanes = 0;
  }
}

/**
 * Builds the arrays in two passes: term frequencies per passage as passages arrive, then postings
 * laid out by term. Passages are consumed one at a time into flat typed buffers, so a caller can
 * tokenize, add and drop each passage instead of holding every token list at once.
 */
export class IndexBuilder {
  private readonly outlets: string[] = [];
  private readonly languages: string[] = [];
  private readonly outletLookup = new Map<string, number>();
  private readonly languageLookup = new Map<string, number>();
  private readonly articleIds: string[] = [];
  private readonly articleDay = new Int32Buffer();
  private readonly articleOutlet = new Int32Buffer();
  private readonly articleLanguage = new Int32Buffer();
  private readonly articleTopics = new Int32Buffer();
  private readonly termLookup = new Map<string, number>();
  private readonly terms: string[] = [];
  private readonly documentFrequency = new Int32Buffer();
  /** Per passage, its distinct terms (first occurrence order) and their counts, back to back. */
  private readonly docTermStart = new Int32Buffer();
  private readonly docTerms = new Int32Buffer();
  private readonly docFreqs = new Int32Buffer();
  private readonly docLength = new Int32Buffer();
  private readonly docArticle = new Int32Buffer();
  private readonly docOrdinal = new Int32Buffer();
  private readonly docSimHi = new Int32Buffer();
  private readonly docSimLo = new Int32Buffer();
  /** Count of each term in the passage being added; reset through the passage's term list. */
  private readonly counts = new Int32Buffer();
  /** The passage being added, as term ids in token order. */
  private readonly passageIds = new Int32Buffer();
  private readonly simHasher = new SimHasher();
  private totalLength = 0;

  constructor(private readonly topicSlugs: readonly string[]) {
    if (topicSlugs.length > 32) throw new Error('At most 32 topics fit the topic bitmask.');
  }

  /** Adds an article and returns its index, which its passages refer to. */
  addArticle(article: IndexArticle): number {
    this.articleIds.push(article.id);
    this.articleDay.push(toDay(article.publishedAt));
    this.articleOutlet.push(intern(this.outlets, this.outletLookup, article.outlet));
    this.articleLanguage.push(intern(this.languages, this.languageLookup, article.language));
    let bits = 0;
    for (const slug of article.topics) {
      const bit = this.topicSlugs.indexOf(slug);
      if (bit >= 0) bits |= 1 << bit;
    }
    this.articleTopics.push(bits);
    return this.articleIds.length - 1;
  }

  addPassage(passage: IndexPassage): void {
    const { tokens } = passage;
    const first = this.docTerms.length;
    this.docTermStart.push(first);
    this.passageIds.length = 0;
    for (const token of tokens) {
      const term = intern(this.terms, this.termLookup, token);
      if (term === this.documentFrequency.length) {
        this.documentFrequency.push(0);
        this.counts.push(0);
        this.simHasher.addTerm(token);
      }
      this.passageIds.push(term);
      if (this.counts.array[term]!++ === 0) this.docTerms.push(term);
    }
    for (let at = first; at < this.docTerms.length; at++) {
      const term = this.docTerms.array[at]!;
      this.docFreqs.push(Math.min(this.counts.array[term]!, 65535));
      this.counts.array[term] = 0;
      this.documentFrequency.array[term]!++;
    }
    this.docLength.push(tokens.length);
    this.totalLength += tokens.length;
    this.docArticle.push(passage.articleIndex);
    this.docOrdinal.push(passage.ordinal);
    const [hi, lo] = this.simHasher.fingerprint(tokens, this.passageIds.array);
    this.docSimHi.push(hi);
    this.docSimLo.push(lo);
  }

  finish(): IndexData {
    const { terms } = this;
    const passages = this.docLength.length;
    this.docTermStart.push(this.docTerms.length);
    const averageLength = passages > 0 ? this.totalLength / passages : 1;
    const termOffsets = new Int32Array(terms.length + 1);
    for (let term = 0; term < terms.length; term++) termOffsets[term + 1] = termOffsets[term]! + this.documentFrequency.array[term]!;
    const postingCount = termOffsets[terms.length] ?? 0;
    const postingDocs = new Int32Array(postingCount);
    const postingWeights = new Float32Array(postingCount);
    const cursor = termOffsets.slice(0, terms.length);
    for (let doc = 0; doc < passages; doc++) {
      const norm = K1 * (1 - B + (B * this.docLength.array[doc]!) / averageLength);
      for (let i = this.docTermStart.array[doc]!, end = this.docTermStart.array[doc + 1]!; i < end; i++) {
        const at = cursor[this.docTerms.array[i]!]!++;
        const tf = this.docFreqs.array[i]!;
        postingDocs[at] = doc;
        postingWeights[at] = (tf * (K1 + 1)) / (tf + norm);
      }
    }
    const idf = Float32Array.from(terms, (_, term) => {
      const df = this.documentFrequency.array[term]!;
      return Math.log(1 + (passages - df + 0.5) / (df + 0.5));
    });
    const articles = this.articleIds.length;
    return {
      terms, termOffsets, postingDocs, postingWeights, idf,
      docArticle: this.docArticle.array.slice(0, passages),
      docOrdinal: this.docOrdinal.array.slice(0, passages),
      docSimHi: new Uint32Array(this.docSimHi.array.buffer.slice(0, passages * 4)),
      docSimLo: new Uint32Array(this.docSimLo.array.buffer.slice(0, passages * 4)),
      articleIds: [...this.articleIds],
      articleDay: this.articleDay.array.slice(0, articles),
      articleOutlet: this.articleOutlet.array.slice(0, articles),
      articleLanguage: this.articleLanguage.array.slice(0, articles),
      articleTopics: new Uint32Array(this.articleTopics.array.buffer.slice(0, articles * 4)),
      outlets: [...this.outlets], languages: [...this.languages], topicSlugs: [...this.topicSlugs],
    };
  }
}

export function buildIndexData(articles: readonly IndexArticle[], passages: readonly IndexPassage[], topicSlugs: readonly string[]): IndexData {
  const builder = new IndexBuilder(topicSlugs);
  for (const article of articles) builder.addArticle(article);
  for (const passage of passages) builder.addPassage(passage);
  return builder.finish();
}
