import type { Entity, Topic } from './topic.ts';

const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Short capitalised aliases (Xi, PRC, WPK) match case-sensitively so that "xi" in a URL slug or
 * "Xi" as a roman numeral in lower case does not count; longer ones match in any case.
 * CJK aliases match as substrings: those scripts do not separate words with spaces, and Korean
 * attaches particles (평양을, 평양에서).
 */
function aliasPattern(alias: string): { source: string; caseSensitive: boolean } {
  if (CJK.test(alias)) return { source: escapeRegExp(alias), caseSensitive: true };
  const body = escapeRegExp(alias).replace(/['’]/g, "['’]").replace(/[-\s]+/g, '[-\\s]+');
  const caseSensitive = alias.length <= 4 && /[A-Z]/.test(alias);
  return { source: `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, caseSensitive };
}

function entityRegExps(entity: Entity): RegExp[] {
  const patterns = entity.aliases.map(aliasPattern);
  const insensitive = patterns.filter((p) => !p.caseSensitive).map((p) => p.source);
  const sensitive = patterns.filter((p) => p.caseSensitive).map((p) => p.source);
  // Longest first, so "Kim Jong Un" is one mention rather than a prefix match of something shorter.
  const byLength = (a: string, b: string) => b.length - a.length;
  return [
    ...(insensitive.length ? [new RegExp(insensitive.sort(byLength).join('|'), 'giu')] : []),
    ...(sensitive.length ? [new RegExp(sensitive.sort(byLength).join('|'), 'gu')] : []),
  ];
}

export type TopicMatcher = {
  readonly topic: Topic;
  /** Mentions per entity id in the text. */
  mentions(text: string): Map<string, number>;
  /** The topic's rule: every side present, by count or in the lead. */
  isOnTopic(article: { title: string; text: string }): boolean;
  /** Entities a query names, for alias expansion. */
  entitiesIn(text: string): Entity[];
};

/** The index term that stands for an entity, whatever alias or language the text used. */
export const entityTerm = (entityId: string) => `~${entityId}`;

/**
 * One term per entity the text names, across all topics. Indexed beside the words, so 시진핑 in a
 * question meets "Xi Jinping" in an article. Once per passage, not per mention: the words already
 * carry the frequency, and repeats would only lengthen every passage. Whether an entity is named is
 * a yes/no test, which stops at the first mention instead of counting them all.
 */
export function entityTerms(matchers: readonly TopicMatcher[], text: string): string[] {
  const ids = new Set<string>();
  for (const matcher of matchers) for (const entity of matcher.entitiesIn(text)) ids.add(entity.id);
  return [...ids].map(entityTerm);
}

/** Whether `regexps` (global) find at least `needed` mentions in `text`, scanning no further than that. */
function hasMentions(regexps: readonly RegExp[], text: string, needed: number): boolean {
  let found = 0;
  for (const regexp of regexps) {
    regexp.lastIndex = 0;
    while (regexp.exec(text) !== null) if (++found >= needed) return true;
  }
  return false;
}

export function topicMatcher(topic: Topic): TopicMatcher {
  const compiled = topic.entities.map((entity) => {
    const regexps = entityRegExps(entity);
    // Non-global twins for yes/no tests: a global RegExp keeps lastIndex between calls.
    return { entity, regexps, testers: regexps.map((r) => new RegExp(r.source, r.flags.replace('g', ''))) };
  });

  const mentions = (text: string) => {
    const counts = new Map<string, number>();
    for (const { entity, regexps } of compiled) {
      let count = 0;
      for (const regexp of regexps) count += text.match(regexp)?.length ?? 0;
      if (count > 0) counts.set(entity.id, count);
    }
    return counts;
  };

  // Per side: its entities' yes/no testers, and global copies of their regexps for counting (copies,
  // because a count that stops early leaves lastIndex behind).
  const sides = topic.sides.map((side) => {
    const entities = compiled.filter((c) => c.entity.side === side);
    return { testers: entities.flatMap((c) => c.testers), counters: entities.flatMap((c) => c.regexps.map((r) => new RegExp(r.source, r.flags))) };
  });

  return {
    topic,
    mentions,
    isOnTopic({ title, text }) {
      const { minMentionsPerSide, leadCharacters } = topic.onTopic;
      const lead = `${title}\n${text.slice(0, leadCharacters)}`;
      const all = `${title}\n${text}`;
      // A side is present once it is named in the lead, or once its mentions reach the minimum. Each test
      // stops as soon as it knows, where counting every mention read the whole article and its lead.
      return sides.every(({ testers, counters }) => testers.some((r) => r.test(lead)) || hasMentions(counters, all, minMentionsPerSide));
    },
    entitiesIn(text) {
      return compiled.filter(({ testers }) => testers.some((r) => r.test(text))).map((c) => c.entity);
    },
  };
}
