import { stemmer } from 'stemmer';

/**
 * Words for the index and for queries — the same function for both, so they always agree.
 *
 * Alphabetic runs are split by a regular expression (fast; these scripts separate words with
 * spaces), and runs in Chinese, Japanese or Korean script go through Intl.Segmenter, which knows
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
  how many much tell happen happened happening know anything something`
    .split(/\s+/)
    .filter(Boolean),
);

/** Porter's stemmer: "visited", "visits" and "visit" index alike; numbers are left alone. */
/**
 * Stems are memoised: news vocabulary repeats, and Porter's rules cost about a microsecond a word.
 * The memo is dropped when it reaches STEM_MEMO_SIZE words, so a huge ingest cannot grow it forever.
 */
const STEM_MEMO_SIZE = 200_000;
const stems = new Map<string, string>();
function stem(word: string): string {
  if (/^\d/.test(word)) return word;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    if (stems.size >= STEM_MEMO_SIZE) stems.clear();
    stemmed = stemmer(word);
    stems.set(word, stemmed);
  }
  return stemmed;
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

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (CJK.test(word)) {
      pushCjk(word, out);
      continue;
    }
    const bare = word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
    if ((bare.length < 2 && !/\d/.test(bare)) || STOPWORDS.has(bare)) continue;
    out.push(stem(bare));
  }
  return out;
}

/** Roughly how many words a text holds; a CJK character counts as half a word. */
export function wordCount(text: string): number {
  let count = 0;
  for (const match of text.matchAll(WORD)) count += CJK.test(match[0]) ? Math.max(1, match[0].length / 2) : 1;
  return count;
}
