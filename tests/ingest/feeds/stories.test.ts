import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument } from '../../../src/ingest/parse-feed.ts';
import { assignStories, estimatedJaccard, minhash, type StoryCandidate } from '../../../src/ingest/stories.ts';
import { FEED_FIXTURES } from '../../support/feed-server.ts';

const SEEN = new Date('2026-11-27T12:00:00Z');

async function wireTexts(): Promise<{ a: string; b: string; c: string; other: string }> {
  const read = async (file: string) => {
    const parsed = parseFeedDocument(await readFile(join(FEED_FIXTURES, file), 'utf8'), 'http://feeds.test/', SEEN);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value.items.map((item) => item.text);
  };
  const [[a], [b], [c, other]] = await Promise.all([read('wire-a.xml'), read('wire-b.xml'), read('wire-c.xml')]);
  return { a: a!, b: b!, c: c!, other: other! };
}

const candidate = (articleId: string, outlet: string, text: string): StoryCandidate => ({ articleId, outlet, text, seenAt: SEEN });

describe('stories', () => {
  it('puts three outlets\' copies of one wire story in one story and leaves a different story on the same subject apart', async () => {
    const { a, b, c, other } = await wireTexts();
    const { decisions } = assignStories([], [candidate('ua', 'Xinhua', a), candidate('ub', 'Global Times', b), candidate('uc', 'Korea Wire', c), candidate('ud', 'Korea Wire', other)]);
    expect(decisions.map((d) => [d.articleId, d.storyId, d.match])).toEqual([
      ['ua', 'story-ua', 'new-story'],
      ['ub', 'story-ua', 'near-copy'],
      ['uc', 'story-ua', 'near-copy'],
      ['ud', 'story-ud', 'new-story'],
    ]);
  });

  it('estimates the rewritten copy as similar and the unrelated story as not', async () => {
    const { a, c, other } = await wireTexts();
    expect(estimatedJaccard(minhash(a), minhash(c))).toBeGreaterThan(0.5);
    expect(estimatedJaccard(minhash(a), minhash(other))).toBeLessThan(0.2);
  });

  it('joins a copy that arrives in a later run to the story stored earlier', async () => {
    const { a, b } = await wireTexts();
    const first = assignStories([], [candidate('ua', 'Xinhua', a)]);
    const later = assignStories(first.records, [candidate('ub', 'Global Times', b)]);
    expect(later.decisions).toEqual([{ articleId: 'ub', storyId: 'story-ua', match: 'near-copy', similarTo: 'ua' }]);
  });

  it('treats the same text under a different URL as an exact copy, whatever the case and spacing', () => {
    const text = 'Short item: Pyongyang and Beijing agreed to talk.';
    const { decisions } = assignStories([], [candidate('u1', 'A', text), candidate('u2', 'B', `  ${text.toUpperCase()}\n`)]);
    expect(decisions[1]).toMatchObject({ storyId: 'story-u1', match: 'exact-copy' });
  });

  it('keeps an article\'s story when the article is seen again with edited text', async () => {
    const { a, other } = await wireTexts();
    const first = assignStories([], [candidate('ua', 'Xinhua', a)]);
    expect(assignStories(first.records, [candidate('ua', 'Xinhua', other)]).decisions[0]).toMatchObject({ storyId: 'story-ua', match: 'same-article' });
  });

  it('does not call two short, different teasers copies of each other', () => {
    const { decisions } = assignStories([], [candidate('u1', 'A', 'Kim meets Xi in Beijing.'), candidate('u2', 'B', 'Kim meets Putin in Moscow.')]);
    expect(decisions.map((d) => d.match)).toEqual(['new-story', 'new-story']);
  });
});
