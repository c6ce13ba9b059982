import { describe, expect, it } from 'vitest';
import { extractiveBrief } from '../../src/compose/extractive-brief.ts';
import { chunkArticle } from '../../src/ingest/chunk.ts';
import type { Article } from '../../src/model.ts';
import type { StoredArticle } from '../../src/store/article-store.ts';
import { topicMatcher } from '../../src/topics/topic-matcher.ts';
import type { Topic } from '../../src/topics/topic.ts';

const topic: Topic = {
  slug: 'china-dprk', title: 'China–DPRK relations', description: 'test', sides: ['china', 'dprk'],
  entities: [
    { id: 'china', side: 'china', label: 'China', aliases: ['China', 'Beijing'] },
    { id: 'dprk', side: 'dprk', label: 'North Korea', aliases: ['North Korea', 'Pyongyang'] },
  ],
  onTopic: { minMentionsPerSide: 1, leadCharacters: 400 },
};

const stored = (id: string, outlet: string, text: string): StoredArticle => {
  const article: Article = { id, url: `https://news.test/${id}`, title: `${outlet} report`, outlet, publishedAt: new Date('2026-03-10T00:00:00Z'), language: 'en', text };
  return { article, passages: chunkArticle(article), contentHash: id };
};

const WIRE = 'China and North Korea reopened the Dandong rail bridge to freight trains on Tuesday, customs officials in Beijing said, after a closure of several weeks.';
const TALKS = 'Officials from Beijing and Pyongyang held fisheries talks in Pyongyang this week and agreed to meet again in the autumn to discuss quotas in the Yellow Sea.';

describe('extractive brief ranking', () => {
  const articles = [
    stored('w1', 'Wire One', WIRE), stored('w2', 'Wire Two', WIRE), stored('w3', 'Wire Three', WIRE),
    stored('t1', 'Paper A', TALKS), stored('t2', 'Paper B', `${TALKS} Both delegations praised the talks.`),
  ];
  // Place names are everywhere in this beat, so they weigh little, as real IDF would have it.
  const idf = (term: string) => (/^(china|north|korea|beij|pyongyang|offici)/.test(term) ? 0.05 : 1);
  const request = { articles, matcher: topicMatcher(topic), idf, until: new Date('2026-03-12T00:00:00Z'), halfLifeDays: 30 };

  it('counts three outlets carrying one wire story as one story, so two independent reports rank above it', () => {
    const withoutStories = extractiveBrief(request).draft.claims.map((claim) => claim.text);
    expect(withoutStories[0]).toBe(WIRE);
    const stories = new Map([['w1', 's1'], ['w2', 's1'], ['w3', 's1']]);
    const withStories = extractiveBrief({ ...request, stories }).draft.claims;
    expect(withStories[0]?.text).toBe(TALKS);
    // The wire story still cites every outlet that carried it.
    expect(withStories.find((claim) => claim.text === WIRE)?.citations).toHaveLength(3);
  });
});
