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
 * carry the frequency, and repeats would only lengthen every passage.
 */
export function entityTerms(matchers: readonly TopicMatcher[], text: string): string[] {
  const ids = new Set<string>();
  for (const matcher of matchers) for (const id of matcher.mentions(text).keys()) ids.add(id);
  return [...ids].map(entityTerm);
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

  const sideCounts = (text: string) => {
    const bySide = new Map<string, number>();
    for (const [id, count] of mentions(text)) {
      const side = compiled.find((c) => c.entity.id === id)?.entity.side;
      if (side) bySide.set(side, (bySide.get(side) ?? 0) + count);
    }
    return bySide;
  };

  return {
    topic,
    mentions,
    isOnTopic({ title, text }) {
      const all = sideCounts(`${title}\n${text}`);
      const lead = sideCounts(`${title}\n${text.slice(0, topic.onTopic.leadCharacters)}`);
      return topic.sides.every(
        (side) => (all.get(side) ?? 0) >= topic.onTopic.minMentionsPerSide || (lead.get(side) ?? 0) > 0,
      );
    },
    entitiesIn(text) {
      return compiled.filter(({ testers }) => testers.some((r) => r.test(text))).map((c) => c.entity);
    },
  };
}
