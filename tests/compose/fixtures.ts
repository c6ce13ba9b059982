import type { ComposeRequest } from '../../src/compose/composer.ts';
import type { Draft } from '../../src/compose/draft.ts';
import { allSources, kcnaDalian, reutersTrade, xinhuaVisit } from '../support/cited-fixtures.ts';

export const briefRequest: ComposeRequest = {
  kind: 'brief',
  topicTitle: 'China–DPRK relations',
  period: { since: '2018-01-01', until: '2019-12-31' },
  asOf: '2019-01-14',
  sources: allSources,
};

export const askRequest: ComposeRequest = { ...briefRequest, kind: 'ask', question: 'When did Kim Jong Un first visit Beijing?' };

/** What the extractive composer would have said about the same sources: verbatim sentences. */
export const extractiveDraft: Draft = {
  composedBy: 'extractive',
  notices: [],
  claims: [
    { text: 'Xi held talks with Kim at the Great Hall of the People in Beijing on Monday, March 26.', date: '2018-03-28', citations: [xinhuaVisit.passage.id] },
    { text: "China's trade with North Korea fell 52% in 2018 to $2.43 billion, customs data showed on Monday.", date: '2019-01-14', citations: [reutersTrade.passage.id] },
    { text: "Kim Jong Un, chairman of the Workers' Party of Korea, had talks with Xi Jinping in Dalian on May 7 and 8.", date: '2018-05-08', citations: [kcnaDalian.passage.id] },
  ],
};
