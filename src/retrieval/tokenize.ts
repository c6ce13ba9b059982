import { stemmer } from 'stemmer';

/**
 * Words for the index and for queries — the same function for both, so they always agree.
 *
 * Alphabetic runs are split by WORD (these scripts separate words with spaces; plain ASCII text is
 * read by a hand-written scanner that finds the same words), and runs in Chinese, Japanese or Korean script go through Intl.Segmenter, which knows
 * where words end in Chinese. Korean particles are stripped so 평양을 and 평양에서 both index as 평양.
 */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL_PARTICLE = /(?:에서|으로|에게|까지|부터|처럼|과의|와의|이|가|을|를|은|는|의|에|도|로|와|과|만)$/u;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

const STOPWORDS = new Set(
  `a an and are as at be been but by for from had has have he her his i if in into is it its me my no not of on or our
  she so than that the their them then there these they this those to was we were what when where which while who whom
  why will with would you your do does did can could should may might about after before also over under up out off
  said says say just more most other some such only own same very s t via per upon any all both each few
  how many much tell happen happened happening know anything something during get gets got gotten`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * What one lower-cased, non-CJK word becomes: its stem, or null when it is dropped (a stopword, a
 * single letter). Porter's stemmer: "visited", "visits" and "visit" index alike; numbers are left alone.
 */
function termOf(word: string): string | null {
  const bare = word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
  if ((bare.length < 2 && !/\d/.test(bare)) || STOPWORDS.has(bare)) return null;
  return /^\d/.test(bare) ? bare : stemmer(bare);
}

/**
 * The word → term decision is memoised as a whole: news vocabulary repeats, and the possessive and
 * stopword checks plus Porter's rules cost about a microsecond a word. The memo is an open-addressing
 * table keyed by a hash the ASCII scanner below computes as it reads, so a word seen before is found
 * without cutting it out of the text as a string. It is emptied when it holds TERM_MEMO_SIZE words,
 * so a huge ingest cannot grow it forever.
 */
const TERM_MEMO_SIZE = 200_000;
/**
 * Slots start few and double whenever the memo is half full, up to a power of two above
 * 2 × TERM_MEMO_SIZE, so probes stay short. A table no larger than the vocabulary needs stays in
 * the CPU's caches: a news archive's 60,000 words fit in 2^17 slots, where 2^19 spread every
 * lookup over 6 MB.
 */
const FIRST_SLOTS = 1 << 12;
let memoMask = FIRST_SLOTS - 1;
let memoHashes = new Int32Array(FIRST_SLOTS);
let memoWords: (string | undefined)[] = new Array<string | undefined>(FIRST_SLOTS);
let memoTerms: (string | null)[] = new Array<string | null>(FIRST_SLOTS).fill(null);
let memoCount = 0;

function resetMemo(slots: number): void {
  memoMask = slots - 1;
  memoHashes = new Int32Array(slots);
  memoWords = new Array<string | undefined>(slots);
  memoTerms = new Array<string | null>(slots).fill(null);
  memoCount = 0;
}

/** Stores a word the memo does not hold yet; `slot` is the free one its probe ended on. */
function storeTerm(slot: number, hash: number, word: string, term: string | null): void {
  memoHashes[slot] = hash;
  memoWords[slot] = word;
  memoTerms[slot] = term;
  memoCount++;
}

/** The first empty slot on `hash`'s probe. */
function freeSlot(hash: number): number {
  let slot = hash & memoMask;
  while (memoWords[slot] !== undefined) slot = (slot + 1) & memoMask;
  return slot;
}

/** Twice the slots, every word moved to where its hash probes now. */
function growMemo(): void {
  const [hashes, words, terms] = [memoHashes, memoWords, memoTerms];
  resetMemo(2 * hashes.length);
  for (let old = 0; old < hashes.length; old++) {
    const word = words[old];
    if (word !== undefined) storeTerm(freeSlot(hashes[old]!), hashes[old]!, word, terms[old] ?? null);
  }
}

const mix = (hash: number, code: number) => Math.imul(hash ^ code, 0x01000193);
const FNV_START = 0x811c9dc5 | 0;

function hashOf(word: string): number {
  let hash = FNV_START;
  for (let i = 0; i < word.length; i++) hash = mix(hash, word.charCodeAt(i));
  return hash;
}

/** The term for `source[start, end)`, whose hash is `hash`; non-CJK words only. */
function memoTerm(source: string, start: number, end: number, hash: number): string | null {
  const length = end - start;
  let slot = hash & memoMask;
  for (let word = memoWords[slot]; word !== undefined; word = memoWords[slot]) {
    if (memoHashes[slot] === hash && word.length === length) {
      let i = 0;
      while (i < length && word.charCodeAt(i) === source.charCodeAt(start + i)) i++;
      if (i === length) return memoTerms[slot] ?? null;
    }
    slot = (slot + 1) & memoMask;
  }
  const word = start === 0 && end === source.length ? source : source.slice(start, end);
  const term = termOf(word);
  // Emptied or grown, the table no longer has the free slot the probe ended on where it was.
  let free = slot;
  if (memoCount >= TERM_MEMO_SIZE) {
    resetMemo(FIRST_SLOTS);
    free = freeSlot(hash);
  } else if (2 * (memoCount + 1) > memoHashes.length) {
    growMemo();
    free = freeSlot(hash);
  }
  storeTerm(free, hash, word, term);
  return term;
}

function pushCjk(run: string, out: string[]): void {
  for (const segment of segmenter.segment(run)) {
    if (!segment.isWordLike) continue;
    let word = segment.segment;
    if (/\p{Script=Hangul}/u.test(word)) {
      // Repeatedly, so 김정은은 and 김정은 end up as the same term.
      while (word.length > 2 && HANGUL_PARTICLE.test(word)) word = word.replace(HANGUL_PARTICLE, '');
    }
    out.push(word);
  }
}

const NON_ASCII = /[^\0-\x7f]/;
const isLowerAlnum = (code: number) => (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
const isLower = (code: number) => code >= 97 && code <= 122;
const APOSTROPHE = 39;
/** Upper or lower case: OR-ing in 0x20 maps A–Z onto a–z and leaves digits as they are. */
const isAsciiLetter = (code: number) => isLower(code | 0x20);
const isAsciiAlnum = (code: number) => isLower(code | 0x20) || (code >= 48 && code <= 57);

/**
 * WORD's matches in lower-cased ASCII text, read by hand: a run of [a-z0-9], then any number of
 * ' followed by a run of [a-z]. Each word is hashed as it is read and looked up in the memo.
 */
function tokenizeAscii(text: string, out: string[]): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (!isLowerAlnum(code)) {
      i++;
      continue;
    }
    const start = i;
    let hash = FNV_START;
    do {
      hash = mix(hash, code);
      code = text.charCodeAt(++i);
    } while (i < length && isLowerAlnum(code));
    while (i + 1 < length && code === APOSTROPHE && isLower(text.charCodeAt(i + 1))) {
      hash = mix(hash, code);
      code = text.charCodeAt(++i);
      do {
        hash = mix(hash, code);
        code = text.charCodeAt(++i);
      } while (i < length && isLower(code));
    }
    const term = memoTerm(text, start, i, hash);
    if (term !== null) out.push(term);
  }
}

/**
 * How many words WORD finds in ASCII text, counted by hand: there \p{L} is [A-Za-z] and \p{N} is
 * [0-9]. Chunking counts the words of every sentence, and `match` would build a string for each.
 */
function asciiWordCount(text: string): number {
  const length = text.length;
  let count = 0;
  let i = 0;
  while (i < length) {
    if (!isAsciiAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    count++;
    do i++;
    while (i < length && isAsciiAlnum(text.charCodeAt(i)));
    while (i + 1 < length && text.charCodeAt(i) === APOSTROPHE && isAsciiLetter(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < length && isAsciiLetter(text.charCodeAt(i))) i++;
    }
  }
  return count;
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  // Most text is plain ASCII, which the scanner reads without a regex or a string per word.
  if (!NON_ASCII.test(lower)) {
    tokenizeAscii(lower, out);
    return out;
  }
  // `match` with a global regex collects the words in one native call; `matchAll` builds a match
  // object per word.
  for (const word of lower.match(WORD) ?? []) {
    // CJK runs are segmented every time rather than memoised: a run can be a whole sentence.
    if (CJK.test(word)) {
      pushCjk(word, out);
      continue;
    }
    const term = memoTerm(word, 0, word.length, hashOf(word));
    if (term !== null) out.push(term);
  }
  return out;
}

/** Whether any character of the text is Chinese, Japanese or Korean. */
export const holdsCjk = (text: string): boolean => CJK.test(text);

/**
 * Roughly how many words a text holds; a CJK character counts as half a word. A caller counting
 * many pieces of one text it has already checked passes `cjk: false` for text without CJK.
 */
export function wordCount(text: string, cjk = holdsCjk(text)): number {
  // Most text holds no CJK at all, and then every word counts one.
  if (!cjk) return NON_ASCII.test(text) ? (text.match(WORD)?.length ?? 0) : asciiWordCount(text);
  let count = 0;
  for (const word of text.match(WORD) ?? []) count += CJK.test(word) ? Math.max(1, word.length / 2) : 1;
  return count;
}
