import type { TopicMatcher } from '../topics/topic-matcher.ts';
import type { Outlet } from './outlets.ts';

/** A name a point uses: a topic entity (any alias, any language), an outlet, or another capitalised name. */
export type Name =
  | { kind: 'entity'; surface: string; entityId: string; matcher: TopicMatcher }
  | { kind: 'outlet'; surface: string; names: readonly string[] }
  | { kind: 'name'; surface: string };

export type NameIndex = {
  matchers: readonly TopicMatcher[];
  aliases: ReadonlyMap<string, { entityId: string; matcher: TopicMatcher }>;
  outlets: ReadonlyMap<string, readonly string[]>;
};

/** Lower case, one kind of apostrophe, hyphens as spaces, no possessive 's, punctuation as spaces, padded. */
export const foldName = (text: string): string =>
  ` ${text.toLowerCase().replace(/[’‘]/g, "'").replace(/'s\b/g, '').replace(/[^\p{L}\p{M}\p{N}'.]+|\.(?=\s|$)/gu, ' ').replace(/\s+/g, ' ').trim()} `;

export function nameIndex(matchers: readonly TopicMatcher[], outlets: readonly Outlet[] = []): NameIndex {
  const aliases = new Map<string, { entityId: string; matcher: TopicMatcher }>();
  for (const matcher of matchers) {
    for (const entity of matcher.topic.entities) for (const alias of entity.aliases) aliases.set(foldName(alias), { entityId: entity.id, matcher });
  }
  const outletNames = new Map<string, readonly string[]>();
  for (const outlet of outlets) {
    const names = [outlet.outlet, ...(outlet.aliases ?? [])];
    for (const name of names) outletNames.set(foldName(name), names);
  }
  return { matchers, aliases, outlets: outletNames };
}

/** Capitalised words that start a sentence or a clause without being names. */
const NOT_NAMES = new Set(
  `the a an in on at by for from to with after before during according as but and both this that these those it its he
  she they we his her their when while since meanwhile however also if there then under over between among despite
  earlier later last next monday tuesday wednesday thursday friday saturday sunday`.split(/\s+/),
);
/** Lower-case words that may sit inside a name: "Workers' Party of Korea", "Great Hall of the People". */
const CONNECTORS = new Set(['of', 'the', 'and', 'for', 'on', 'de', 'del', 'van', 'von', 'al']);
const WORD = /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’.-]*/gu;
const MAX_ALIAS_WORDS = 6;

const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);
const clean = (word: string) => (word.indexOf('.') === word.length - 1 ? word.slice(0, -1) : word).replace(/-+$/, '');

type Run = { words: string[]; initial: boolean };

/**
 * Runs of capitalised words (with connectors inside), split where the text has anything but one space.
 * `initial`: the run opens a sentence, where a capitalised word need not be a name ("Analysts said …").
 */
function capitalisedRuns(text: string): Run[] {
  const runs: Run[] = [];
  let run: string[] = [];
  let initial = true;
  let sentenceStart = true;
  let end = -1;
  const close = () => {
    while (run.length && (CONNECTORS.has(run.at(-1)!) || !isCapitalised(run.at(-1)!))) run.pop();
    if (run.length) runs.push({ words: run, initial });
    run = [];
  };
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const word = clean(raw);
    const gap = end >= 0 ? text.slice(end, match.index) : '';
    if (end >= 0 && gap !== ' ') close();
    if (/[!?:;"“”\n]/.test(gap)) sentenceStart = true;
    end = match.index + raw.length;
    if (isCapitalised(word) && !(run.length === 0 && NOT_NAMES.has(word.toLowerCase()))) {
      if (run.length === 0) initial = sentenceStart;
      run.push(word);
    } else if (run.length && CONNECTORS.has(word)) run.push(word);
    else close();
    sentenceStart = false;
    if (raw.endsWith('.')) {
      close(); // a sentence ends (or "U.S.", which may end a name too)
      sentenceStart = true;
    }
  }
  close();
  return runs;
}

/**
 * Leftover words that name something checkable: two capitalised words or more, one acronym (KCNA,
 * ICBMs), or one capitalised word standing alone inside a sentence ("talks in Moscow"). A lone word at
 * the start of a sentence, or one next to a known name ("President" in "President Xi"), is not checked.
 */
function leftoverName(words: readonly string[], alone: boolean): string | undefined {
  const trimmed = [...words];
  while (trimmed.length && (CONNECTORS.has(trimmed[0]!) || NOT_NAMES.has(trimmed[0]!.toLowerCase()))) trimmed.shift();
  while (trimmed.length && CONNECTORS.has(trimmed.at(-1)!)) trimmed.pop();
  const capitalised = trimmed.filter(isCapitalised).length;
  if (capitalised >= 2) return trimmed.join(' ');
  const [word] = trimmed;
  if (trimmed.length !== 1 || !word) return undefined;
  const letters = word.replace(/[^\p{L}]/gu, '').length;
  return /^\p{Lu}{3,}s?$/u.test(word) || (alone && letters >= 3) ? word : undefined;
}

/** The names a point uses. Entities are also found by alias in any script, e.g. 김정은 in a Korean answer. */
export function namesIn(text: string, index: NameIndex): Name[] {
  const names: Name[] = [];
  for (const { words: run, initial } of capitalisedRuns(text)) {
    let leftover: string[] = [];
    const flush = () => {
      const name = leftoverName(leftover, !initial && leftover.length === run.length);
      if (name) names.push(index.outlets.get(foldName(name)) ? { kind: 'outlet', surface: name, names: index.outlets.get(foldName(name))! } : { kind: 'name', surface: name });
      leftover = [];
    };
    for (let i = 0; i < run.length; ) {
      let taken = 0;
      for (let length = Math.min(MAX_ALIAS_WORDS, run.length - i); length >= 1 && taken === 0; length--) {
        const surface = run.slice(i, i + length).join(' ');
        const entity = index.aliases.get(foldName(surface));
        const outlet = index.outlets.get(foldName(surface));
        if (entity || outlet) {
          flush();
          names.push(entity ? { kind: 'entity', surface, ...entity } : { kind: 'outlet', surface, names: outlet! });
          taken = length;
        }
      }
      if (taken === 0) leftover.push(run[i]!);
      i += Math.max(taken, 1);
    }
    flush();
  }
  for (const matcher of index.matchers) {
    for (const entityId of matcher.mentions(text).keys()) {
      if (!names.some((name) => name.kind === 'entity' && name.entityId === entityId)) {
        names.push({ kind: 'entity', surface: matcher.topic.entities.find((e) => e.id === entityId)?.label ?? entityId, entityId, matcher });
      }
    }
  }
  return names;
}
