import { describe, expect, it } from 'vitest';
import { extractiveAnswer } from '../../src/compose/extractive-answer.ts';
import type { Hit } from '../../src/model.ts';
import { queryTerms } from '../../src/retrieval/query-terms.ts';
import { tokenize } from '../../src/retrieval/tokenize.ts';
import { loadTopics } from '../../src/topics/load-topics.ts';
import { entityTerms, topicMatcher } from '../../src/topics/topic-matcher.ts';

function hit(id: string, text: string, score: number): Hit {
  return {
    article: { id, url: `https://example.com/${id}`, title: 'Delegation news', outlet: 'Kyodo', publishedAt: new Date('2018-05-04'), language: 'en', text },
    passage: { id: `${id}#0`, articleId: id, ordinal: 0, text, start: 0, end: text.length },
    score,
    parts: { lexical: score, recency: 0 },
  };
}

describe('extractiveAnswer', () => {
  it('does not let a wire dateline answer for the place it names, and quotes the sentence after it', () => {
    const question = 'when was the visit to Beijing';
    const filedInBeijing = hit('filed-in-beijing', 'BEIJING, May 4 Kyodo - Officials said the visit to the port went ahead as planned.', 8);
    const aboutBeijing = hit('about-beijing', 'The delegation ended its visit to Beijing on Friday, officials said.', 8);
    const { draft } = extractiveAnswer({
      question,
      terms: queryTerms(question, []),
      hits: [filedInBeijing, aboutBeijing],
      idf: () => 1,
      termsOf: (text) => new Set(tokenize(text)),
    });
    // Counting the dateline, both covered "visit" and "Beijing" and retrieval order decided.
    expect(draft.claims[0]?.citations).toEqual(['about-beijing#0']);
    expect(draft.claims.every((claim) => !claim.text.startsWith('BEIJING'))).toBe(true);
  });

  it('quotes a sentence that opens with a dateline without the label, as a brief does', () => {
    const question = 'what did officials say about the port visit';
    const { draft } = extractiveAnswer({
      question,
      terms: queryTerms(question, []),
      hits: [hit('filed', 'BEIJING, May 4 Kyodo - Officials said the visit to the port went ahead as planned.', 9)],
      idf: () => 1,
      termsOf: (text) => new Set(tokenize(text)),
    });
    expect(draft.claims.map((claim) => claim.text)).toEqual(['Officials said the visit to the port went ahead as planned.']);
  });

  it('prefers the word the user typed to another name of the same entity', async () => {
    const matchers = (await loadTopics('data/topics')).map(topicMatcher);
    const question = 'when did kim first visit beijing';
    const sayChinese = hit('says-chinese', 'Kim Jong Un met the visiting Chinese foreign minister on his first visit since 2007.', 8);
    const sayBeijing = hit('says-beijing', 'Kim Jong Un made his first visit to Beijing by armoured train.', 8);
    const { draft } = extractiveAnswer({
      question,
      terms: queryTerms(question, matchers),
      hits: [sayChinese, sayBeijing],
      idf: () => 1,
      termsOf: (text) => new Set([...tokenize(text), ...entityTerms(matchers, text)]),
    });
    // "Chinese" names China, as "Beijing" does, so both covered everything asked and retrieval order decided.
    expect(draft.claims[0]?.citations).toEqual(['says-beijing#0']);
  });

  it('weighs the retrieval score beside coverage, so repeating the question\'s words is not enough', () => {
    const question = 'when did coal imports stop in february';
    const { draft } = extractiveAnswer({
      question,
      terms: queryTerms(question, []),
      hits: [
        hit('best-match', 'China stopped coal imports from North Korea, the commerce ministry said.', 10),
        hit('echo', 'In February, coal imports stopped briefly at a different port.', 5),
      ],
      idf: () => 1,
      termsOf: (text) => new Set(tokenize(text)),
    });
    // The echo covers every word asked (1.0 against 0.75), but retrieval ranked it at half the score.
    expect(draft.claims[0]?.citations).toEqual(['best-match#0']);
  });
});
