import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticArticles } from '../../bench/synthetic-corpus.ts';
import { loadTopics } from '../../src/topics/load-topics.ts';
import { Topic } from '../../src/topics/topic.ts';
import { entityTerm, entityTerms, topicMatcher, type TopicMatcher } from '../../src/topics/topic-matcher.ts';
import { hostileText } from '../property/arbitraries.ts';

/*
 * ADR 007 (addendum of 2026-12-03): isOnTopic and entityTerms stop at the first mention that
 * decides, where they used to count every mention. The index's topic bits and entity terms depend
 * on them, so both are compared here with a copy of the code as it was, which counted.
 */

// ---- topic-matcher.ts before: sides counted in full over the whole article and over its lead.
function referenceIsOnTopic(matcher: TopicMatcher, { title, text }: { title: string; text: string }): boolean {
  const { topic } = matcher;
  const sideCounts = (part: string) => {
    const bySide = new Map<string, number>();
    for (const [id, count] of matcher.mentions(part)) {
      const side = topic.entities.find((entity) => entity.id === id)?.side;
      if (side) bySide.set(side, (bySide.get(side) ?? 0) + count);
    }
    return bySide;
  };
  const all = sideCounts(`${title}\n${text}`);
  const lead = sideCounts(`${title}\n${text.slice(0, topic.onTopic.leadCharacters)}`);
  return topic.sides.every((side) => (all.get(side) ?? 0) >= topic.onTopic.minMentionsPerSide || (lead.get(side) ?? 0) > 0);
}

function referenceEntityTerms(matchers: readonly TopicMatcher[], text: string): string[] {
  const ids = new Set<string>();
  for (const matcher of matchers) for (const id of matcher.mentions(text).keys()) ids.add(id);
  return [...ids].map(entityTerm);
}

const root = join(import.meta.dirname, '../..');
const topics = await loadTopics(join(root, 'data/topics'));
/** The shipped topics, and the same with rules that make every branch of isOnTopic decide. */
const variants = topics.flatMap((topic) =>
  [1, 2, 3, 5].flatMap((minMentionsPerSide) => [0, 40, 400].map((leadCharacters) => topicMatcher({ ...topic, onTopic: { minMentionsPerSide, leadCharacters } }))),
);

async function corpusArticles(): Promise<{ title: string; text: string }[]> {
  const entries = await readdir(join(root, 'data/corpus'), { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  return texts.map((text) => ({ title: text.split('\n', 1)[0] ?? '', text }));
}

/** Alias-shaped fragments, so random text names entities often, at edges, and across lines. */
const aliasPiece = fc.constantFrom('North Korea', 'north\nkorea', 'Xi', 'xi', 'XI', 'Kim Jong-un', 'D.P.R.K.', 'DPRK', 'Chinese Communist Party', '中国', '평양을', 'China', 'Beijing', 'aChina', 'Chinas', ' ', '\n', '. ', "People’s Republic of China", 'Dandong', 'WPK', 'ſ', 'K');
const mixedText = fc.array(fc.oneof(hostileText(3), aliasPiece), { maxLength: 40 }).map((parts) => parts.join(''));

describe('topic matching against the implementation that counted every mention', () => {
  it('gives the same on-topic answers and entity terms for every article of the sample corpus', async () => {
    for (const article of await corpusArticles()) {
      for (const matcher of variants) expect(matcher.isOnTopic(article), matcher.topic.slug).toBe(referenceIsOnTopic(matcher, article));
      for (const paragraph of article.text.split('\n\n')) {
        expect(entityTerms(variants, `${article.title}\n${paragraph}`)).toEqual(referenceEntityTerms(variants, `${article.title}\n${paragraph}`));
      }
    }
  });

  it('gives the same answers on the bench corpus', () => {
    for (const article of syntheticArticles({ seed: 7, passages: 1500 })) {
      for (const matcher of variants) expect(matcher.isOnTopic(article)).toBe(referenceIsOnTopic(matcher, article));
      for (const { start, end } of article.paragraphs) {
        const passage = `${article.title}\n${article.text.slice(start, end)}`;
        expect(entityTerms(variants, passage)).toEqual(referenceEntityTerms(variants, passage));
      }
    }
  });

  it('gives the same answers on arbitrary text full of aliases', () => {
    fc.assert(
      fc.property(mixedText, mixedText, fc.constantFrom(...variants), (title, text, matcher) => {
        expect(matcher.isOnTopic({ title, text })).toBe(referenceIsOnTopic(matcher, { title, text }));
        expect(entityTerms(variants, `${title}\n${text}`)).toEqual(referenceEntityTerms(variants, `${title}\n${text}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('GIVEN a topic file that uses an entity id twice THEN it is rejected, since the id names one index term', () => {
    const [topic] = topics;
    const entities = topic ? [...topic.entities, { ...topic.entities[0]!, aliases: ['Elsewhere'] }] : [];
    const parsed = Topic.safeParse({ ...topic, entities });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([`entity id "${topic?.entities[0]?.id}" is used twice`]);
  });
});
