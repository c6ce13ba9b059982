import { articleId } from '../src/ingest/article-id.ts';
import type { Article, Passage } from '../src/model.ts';
import type { StoredArticle } from '../src/store/article-store.ts';
import { pick, randomInt, seededRandom, zipfSampler, type Random } from './random.ts';
import { ENTITIES, FUNCTION_WORDS, MONTHS, NEWS_WORDS, OUTLETS, tailWords, type SyntheticEntity } from './vocabulary.ts';

/** One generated article; each paragraph is one passage (60–200 words, so the chunker agrees). */
export type SyntheticArticle = {
  title: string;
  url: string;
  outlet: string;
  publishedAt: Date;
  text: string;
  paragraphs: { start: number; end: number }[];
};

/** The corpus ends here, and benches use it as "now": 2017-01-01 up to this day. */
export const BENCH_NOW = new Date('2026-11-27T12:00:00Z');
const FIRST_DAY = Date.UTC(2017, 0, 1);
const DAY_MS = 86_400_000;
/** Made-up rare words; with the real words this gives a vocabulary of the size a news archive has. */
const TAIL_WORDS = 60_000;
/** Zipf exponent of word frequencies (≈1 in English text). */
const WORD_EXPONENT = 1.1;
/** Share of articles that are wire copies of an earlier one, lightly edited by another outlet. */
const COPY_SHARE = 0.08;

type Language = { words: string[]; word: (random: Random) => string; contentWord: (random: Random) => string };

/** The vocabulary depends on the seed too, so one seed fixes everything. */
function language(seed: number): Language {
  const tail = tailWords(seededRandom(seed ^ 0x5eed), TAIL_WORDS, new Set([...FUNCTION_WORDS, ...NEWS_WORDS]));
  const words = [...FUNCTION_WORDS, ...NEWS_WORDS, ...tail];
  const rank = zipfSampler(words.length, WORD_EXPONENT);
  const content = words.slice(FUNCTION_WORDS.length);
  const contentRank = zipfSampler(content.length, WORD_EXPONENT);
  return { words, word: (random) => words[rank(random)]!, contentWord: (random) => content[contentRank(random)]! };
}

const bySide = (side: SyntheticEntity['side'], kind?: SyntheticEntity['kind']) =>
  ENTITIES.filter((e) => e.side === side && (!kind || e.kind === kind)).map((e) => e.name);
const CHINA = bySide('china');
const DPRK = bySide('dprk');
const LEADERS = { china: bySide('china', 'person'), dprk: bySide('dprk', 'person') };
const OTHERS = bySide('other');
const ALL = ENTITIES.map((e) => e.name);

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function dateText(random: Random, day: Date): string {
  return random() < 0.5 ? `on ${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}` : `in ${MONTHS[randomInt(random, 0, 11)]} ${day.getUTCFullYear() - randomInt(random, 0, 2)}`;
}

/** Lead sentences in the shape wire reports take; they name both sides, as on-topic articles do. */
const LEADS: ((random: Random, day: Date, lang: Language) => string)[] = [
  (r, d) => `${pick(r, LEADERS.dprk)} met ${pick(r, LEADERS.china)} in ${pick(r, ['Beijing', 'Pyongyang', 'Dandong'])} ${dateText(r, d)} to discuss ${pick(r, ['trade', 'sanctions', 'the border', 'economic cooperation', 'denuclearization'])}.`,
  (r, d) => `Customs data released in Beijing showed trade between ${pick(r, CHINA)} and ${pick(r, DPRK)} ${pick(r, ['rose', 'fell', 'jumped', 'dropped'])} ${randomInt(r, 2, 90)} percent ${dateText(r, d)}.`,
  (r, d) => `${pick(r, LEADERS.china)} sent a message to ${pick(r, LEADERS.dprk)} ${dateText(r, d)} marking the ${randomInt(r, 20, 75)}th anniversary of the treaty of friendship.`,
  (r) => `Officials in ${pick(r, ['Dandong', 'Sinuiju', 'Beijing'])} said freight trains across the Yalu would ${pick(r, ['resume', 'stop', 'expand'])} as ${pick(r, DPRK)} eased its border rules with ${pick(r, CHINA)}.`,
  (r) => `The United Nations Security Council discussed new sanctions on ${pick(r, DPRK)}, but ${pick(r, CHINA)} and Russia ${pick(r, ['opposed', 'vetoed', 'blocked'])} the draft resolution.`,
  (r, d, l) => `${pick(r, CHINA)} said ${dateText(r, d)} that its ${l.contentWord(r)} policy toward ${pick(r, DPRK)} had not changed despite pressure from ${pick(r, OTHERS)}.`,
  (r) => `A delegation of the ${pick(r, ["Workers' Party of Korea", 'Communist Party of China'])} arrived in ${pick(r, ['Beijing', 'Pyongyang'])} for talks on ${pick(r, ['party ties', 'tourism', 'aid', 'railway links'])}.`,
];

/** A sentence of Zipf-drawn words with the odd name and number, as filler prose reads to an index. */
function fillerSentence(random: Random, lang: Language, day: Date): string {
  const words: string[] = [];
  const length = randomInt(random, 8, 22);
  for (let i = 0; i < length; i++) words.push(lang.word(random));
  if (random() < 0.35) words.splice(randomInt(random, 1, words.length - 1), 0, pick(random, ALL));
  if (random() < 0.15) words.splice(randomInt(random, 1, words.length - 1), 0, random() < 0.5 ? `${randomInt(random, 2, 95)} percent` : String(day.getUTCFullYear()));
  return `${capitalize(words.join(' '))}.`;
}

const wordsIn = (text: string) => text.split(/\s+/).length;

function paragraph(random: Random, lang: Language, day: Date, lead: boolean): string {
  const sentences = lead || random() < 0.4 ? [pick(random, LEADS)(random, day, lang)] : [];
  const target = randomInt(random, 70, 140);
  while (wordsIn(sentences.join(' ')) < target) sentences.push(fillerSentence(random, lang, day));
  return sentences.join(' ');
}

function assemble(parts: { title: string; url: string; outlet: string; publishedAt: Date }, paragraphs: string[]): SyntheticArticle {
  const spans: { start: number; end: number }[] = [];
  let text = '';
  for (const body of paragraphs) {
    if (text) text += '\n\n';
    spans.push({ start: text.length, end: text.length + body.length });
    text += body;
  }
  return { ...parts, text, paragraphs: spans };
}

/** Articles until `passages` paragraphs exist, dated uniformly over 2017-01-01 … BENCH_NOW. */
export function syntheticArticles(options: { seed: number; passages: number }): SyntheticArticle[] {
  const random = seededRandom(options.seed);
  const lang = language(options.seed);
  const outletRank = zipfSampler(OUTLETS.length, 0.8);
  const days = Math.floor((BENCH_NOW.getTime() - FIRST_DAY) / DAY_MS);
  const articles: SyntheticArticle[] = [];
  let remaining = options.passages;
  while (remaining > 0) {
    const outlet = OUTLETS[outletRank(random)]!;
    const source = articles.length > 0 && random() < COPY_SHARE ? articles[Math.max(0, articles.length - randomInt(random, 1, 50))] : undefined;
    const publishedAt = source ? new Date(source.publishedAt.getTime() + randomInt(random, 0, 1) * DAY_MS) : new Date(FIRST_DAY + randomInt(random, 0, days) * DAY_MS + 9 * 3_600_000);
    const count = Math.min(remaining, source ? source.paragraphs.length : randomInt(random, 3, 7));
    const paragraphs = source
      ? source.paragraphs.slice(0, count).map(({ start, end }) => source.text.slice(start, end).replace(/\b(\w{6,})\b/, () => lang.contentWord(random)))
      : Array.from({ length: count }, (_, i) => paragraph(random, lang, publishedAt, i === 0));
    const title = source?.title ?? capitalize(`${pick(random, [...LEADERS.china, ...LEADERS.dprk, ...CHINA, ...DPRK])} ${lang.contentWord(random)} ${lang.contentWord(random)} ${pick(random, ['talks', 'trade', 'visit', 'sanctions', 'border', 'message'])}`);
    const slug = outlet.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const url = `https://example.com/bench/${slug}/${publishedAt.toISOString().slice(0, 10)}/${articles.length}`;
    articles.push(assemble({ title, url, outlet, publishedAt }, paragraphs));
    remaining -= count;
  }
  return articles;
}

/** Queries of 2–8 words from the same vocabulary: half name an entity, some a year. */
export function syntheticQueries(options: { seed: number; count: number }): string[] {
  const random = seededRandom(options.seed ^ 0x9e3779b9);
  const lang = language(options.seed);
  return Array.from({ length: options.count }, () => {
    const words: string[] = [];
    const length = randomInt(random, 2, 8);
    if (random() < 0.5) words.push(...pick(random, ALL).split(' '));
    if (random() < 0.15) words.push(String(randomInt(random, 2017, 2026)));
    while (words.length < length) words.push(lang.contentWord(random));
    return words.slice(0, length).join(' ');
  });
}

/** The article as ingest would store it: same id rule, one passage per paragraph. */
export function toStored(synthetic: SyntheticArticle): StoredArticle {
  const id = articleId({ url: synthetic.url, text: synthetic.text });
  const article: Article = { id, url: synthetic.url, title: synthetic.title, outlet: synthetic.outlet, publishedAt: synthetic.publishedAt, language: 'en', text: synthetic.text };
  const passages: Passage[] = synthetic.paragraphs.map(({ start, end }, ordinal) => ({ id: `${id}#${ordinal}`, articleId: id, ordinal, text: synthetic.text.slice(start, end), start, end }));
  return { article, passages, contentHash: id };
}

/** The article as a Markdown file with front matter, the way a user drops files into `ingest`. */
export function toMarkdown(synthetic: SyntheticArticle): string {
  const quote = (text: string) => JSON.stringify(text);
  return `---\ntitle: ${quote(synthetic.title)}\nurl: ${synthetic.url}\noutlet: ${quote(synthetic.outlet)}\npublishedAt: ${synthetic.publishedAt.toISOString()}\nlanguage: en\n---\n${synthetic.text}\n`;
}
