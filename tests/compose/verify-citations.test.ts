import { beforeAll, describe, expect, it } from 'vitest';
import type { Claim, Draft } from '../../src/compose/draft.ts';
import { loadOutlets, type Outlet } from '../../src/compose/outlets.ts';
import { verifyDraft, type VerifyOptions } from '../../src/compose/verify-citations.ts';
import type { TopicMatcher } from '../../src/topics/topic-matcher.ts';
import { allSources, chinaDprkMatchers, citedMap, kcnaDalian, reutersTrade, xinhuaVisit, yonhapKorean } from '../support/cited-fixtures.ts';

const cited = citedMap(...allSources); // numbered [1] xinhua, [2] reuters, [3] yonhap (ko), [4] kcna, [5] injection
const X = xinhuaVisit.passage.id;
const R = reutersTrade.passage.id;
const Y = yonhapKorean.passage.id;
const K = kcnaDalian.passage.id;

let options: VerifyOptions;
let matchers: TopicMatcher[];
let outlets: Outlet[];
beforeAll(async () => {
  matchers = await chinaDprkMatchers();
  outlets = await loadOutlets();
  options = { matchers, mode: 'drop', outlets };
});

const draftOf = (...claims: Claim[]): Draft => ({ claims, composedBy: 'llm', notices: [] });
const point = (text: string, ...citations: string[]): Claim => ({ text, citations });
const check = (text: string, ...citations: string[]) => verifyDraft(draftOf(point(text, ...citations)), cited, options);
const supported = (text: string, ...citations: string[]) => check(text, ...citations).verification.supported === 1;

describe('citation verifier: citations', () => {
  it('drops a point whose only citation number is past the last source and says which number', () => {
    const { draft, verification } = check('Xi held talks with Kim in Beijing.', '[9]');
    expect(draft.claims).toEqual([]);
    expect(verification).toMatchObject({ points: 1, supported: 0, dropped: 1 });
    expect(verification.reasons).toEqual(['point 1: cites [9], which is not among the 5 sources']);
  });

  it('keeps a point that also cites a valid source, without the out-of-range number', () => {
    const { draft, verification } = check('Xi held talks with Kim at the Great Hall of the People on March 26, 2018.', X, '[7]');
    expect(draft.claims[0]?.citations).toEqual([X]);
    expect(verification.supported).toBe(1);
    expect(verification.reasons).toEqual(['point 1: cites [7], which is not among the 5 sources']);
  });

  it('drops a point that cites nothing', () => {
    expect(check('Xi held talks with Kim.').verification.reasons).toEqual(['point 1: cites no source']);
  });

  it('drops a point that cites a passage id it was not handed', () => {
    expect(check('Xi held talks with Kim.', 'other#3').verification.reasons).toEqual(['point 1: cites "other#3", which is not among the 5 sources']);
  });
});

describe('citation verifier: numbers', () => {
  it('accepts a percentage written as "52%" when the source says "52%"', () => expect(supported("China's trade with North Korea fell 52% in 2018.", R)).toBe(true));
  it('accepts "33%" for a source that writes "33 percent"', () => expect(supported('Exports to North Korea dropped 33% in 2018.', R)).toBe(true));
  it('accepts "$2,430 million" for a source that writes "$2.43 billion"', () => expect(supported('Trade fell to $2,430 million in 2018, customs data showed.', R)).toBe(true));
  it('accepts "22.48 million tonnes" copied from the source', () => expect(supported('China shipped 22.48 million tonnes of goods less than a year earlier.', R)).toBe(true));
  it('accepts "$1 million" for a source that writes "$1 million"', () => expect(supported('A shipment worth $1 million was seized in Dandong.', R)).toBe(true));
  it('drops a point whose percentage differs from the source', () => {
    expect(check("China's trade with North Korea fell 25% in 2018.", R).verification.reasons).toEqual(['point 1: "25%" not in cited sources [2]']);
  });
  it('drops a point that turns a percentage into a plain number', () => expect(supported('Exports to North Korea dropped by 33 in 2018.', R)).toBe(false));
  it('drops a point whose amount is off by a scale word', () => expect(supported('A shipment worth $1 billion was seized in Dandong.', R)).toBe(false));
  it('drops a number that only appears in a source the point does not cite', () => expect(supported("China's trade with North Korea fell 52% in 2018.", X)).toBe(false));
});

describe('citation verifier: dates', () => {
  it('accepts "March 26, 2018" when the source says "Monday, March 26" in a 2018 article', () => expect(supported('Xi held talks with Kim in Beijing on March 26, 2018.', X)).toBe(true));
  it('drops a date changed from the source and names it in the reason', () => {
    expect(check('Xi held talks with Kim in Beijing on March 29, 2018.', X).verification.reasons).toEqual(['point 1: "March 29, 2018" not in cited sources [1]']);
  });
  it("accepts the cited article's own publication date", () => expect(supported('On 2018-03-28, Xinhua reported that Kim paid an unofficial visit to China.', X)).toBe(true));
  it('accepts an ISO date that the source gives as "March 28"', () => expect(supported('Xinhua reported the visit on 2018-03-28.', X)).toBe(true));
  it('accepts a month and year when the source has a day in that month', () => expect(supported('Kim paid an unofficial visit to China in March 2018.', X)).toBe(true));
  it('drops a year no cited source mentions', () => expect(supported('Kim paid an unofficial visit to China in 2017.', X)).toBe(false));
  it('accepts a range whose both ends are in the source', () => expect(supported('Kim had talks with Xi Jinping in Dalian on May 7-8, 2018.', K)).toBe(true));
  it('accepts "Dec. 30" for a date in the previous year of a January article', () => expect(supported('A shipment worth $1 million was seized in Dandong on Dec. 30, 2018.', R)).toBe(true));
  it('accepts "March 25" from a Korean passage that writes 3월 25일', () => expect(supported('Kim Jong Un visited China from March 25, 2018, and met Xi Jinping.', Y)).toBe(true));
  it('drops "March 24" against the same Korean passage', () => expect(supported('Kim Jong Un visited China from March 24, 2018, and met Xi Jinping.', Y)).toBe(false));
});

describe('citation verifier: quotations', () => {
  it('accepts a quotation copied verbatim with curly quote marks', () => expect(supported('Xi called the friendship “a valuable asset that both sides cherish.”', X)).toBe(true));
  it('accepts a quotation whose first letter changed case', () => expect(supported('Xi said: "A valuable asset that both sides cherish."', X)).toBe(true));
  it('accepts a quotation with an elision', () => expect(supported('Kim said the DPRK "will remain committed … of the peninsula."', K)).toBe(true));
  it('drops a quotation with one word changed', () => {
    expect(check('Xi called the friendship "a precious asset that both sides cherish."', X).verification.reasons).toEqual([
      'point 1: "a precious asset that both sides cherish." not in cited sources [1]',
    ]);
  });
  it('drops a quotation of words that are in the source but not together', () => expect(supported('Xi said "both sides value the friendship."', X)).toBe(false));
});

describe('citation verifier: names', () => {
  it('accepts "Kim Jong-un" for a passage that writes "Kim Jong Un"', () => expect(supported('Kim Jong-un paid an unofficial visit to China.', X)).toBe(true));
  it('accepts "Kim Jong Un" and "Xi Jinping" for a Korean passage that writes 김정은 and 시진핑', () => expect(supported('Kim Jong Un visited China in March 2018 and met Xi Jinping.', Y)).toBe(true));
  it('accepts "North Korean leader" when the passage names only Kim', () => expect(supported('North Korean leader Kim Jong Un held talks with Xi at the Great Hall of the People in Beijing on March 26, 2018.', X)).toBe(true));
  it('drops a person the cited passage does not name', () => {
    expect(check('Wang Yi held talks with Kim in Beijing on March 26, 2018.', X).verification.reasons).toEqual(['point 1: "Wang Yi" not in cited sources [1]']);
  });
  it('drops a capitalised place the cited passage does not name', () => expect(supported('Xi held talks with Kim at the Diaoyutai State Guesthouse on March 26, 2018.', X)).toBe(false));
  it('accepts a multi-word name found in the title', () => expect(supported("Xinhua called it the DPRK leader's unofficial visit to China.", X)).toBe(true));
  it('drops a state-media claim attributed to the wrong outlet', () => expect(supported('KCNA said Xi held talks with Kim in Beijing on March 26, 2018.', X)).toBe(false));
  it('accepts a state-media claim attributed to the outlet that published it', () => expect(supported('KCNA said the DPRK "will remain committed to denuclearization of the peninsula."', K)).toBe(true));
  it('accepts "Korean Central News Agency" for a KCNA article', () => expect(supported('The Korean Central News Agency said Kim had talks with Xi Jinping in Dalian on May 7.', K)).toBe(true));
  it('drops a place named mid-sentence that no cited source mentions', () => {
    expect(check('Kim had talks with Xi Jinping in Moscow on May 7, 2018.', K).verification.reasons).toEqual(['point 1: "Moscow" not in cited sources [4]']);
  });
  it('does not check a capitalised word that only opens the sentence', () => expect(supported('Analysts said Kim had talks with Xi Jinping in Dalian on May 7, 2018.', K)).toBe(true));
  it('does not check a title next to a known name', () => expect(supported('President Xi held talks with Kim in Beijing on March 26, 2018.', X)).toBe(true));
  it('drops an acronym no cited source uses', () => expect(supported('Kim said the DPRK will stop ICBM tests.', K)).toBe(false));
});

describe('citation verifier: points without checkable content', () => {
  it('accepts a paraphrase that shares most of its words with the cited passage', () => expect(supported('The traditional friendship between the two parties is cherished by both sides.', X)).toBe(true));
  it('drops a confident sentence that no cited passage supports', () => {
    expect(check('The two sides quietly agreed to expand military cooperation.', X).verification.reasons).toEqual([
      'point 1: shares too few words with cited sources [1] (2 of 7 content words)',
    ]);
  });
  it('drops an invented event wrapped in true names and dates', () => expect(supported('China agreed to build a nuclear reactor in North Korea on March 26, 2018.', X)).toBe(false));
  it('drops a plain sentence that cites only a passage in another language', () => expect(supported('The talks were warm and productive.', Y)).toBe(false));
});

describe('citation verifier: modes and counts', () => {
  const mixed = () => draftOf(
    point('Xi held talks with Kim in Beijing on March 26, 2018.', X),
    point('Xi held talks with Kim in Beijing on March 29, 2018.', X),
    point("China's trade with North Korea fell 52% in 2018.", R),
  );

  it('drops unsupported points by default, counts them and tells the reader', () => {
    const { draft, verification } = verifyDraft(mixed(), cited, options);
    expect(draft.claims.map((c) => c.text)).toEqual(['Xi held talks with Kim in Beijing on March 26, 2018.', "China's trade with North Korea fell 52% in 2018."]);
    expect(verification).toEqual({ points: 3, supported: 2, dropped: 1, marked: 0, reasons: ['point 2: "March 29, 2018" not in cited sources [1]'] });
    expect(draft.notices).toEqual(['1 of 3 points was left out: the sources they cited do not support them.']);
  });

  it('keeps unsupported points prefixed "[unverified] " in mark mode', () => {
    const { draft, verification } = verifyDraft(mixed(), cited, { ...options, mode: 'mark' });
    expect(draft.claims[1]?.text).toBe('[unverified] Xi held talks with Kim in Beijing on March 29, 2018.');
    expect(verification).toMatchObject({ points: 3, supported: 2, dropped: 0, marked: 1 });
    expect(draft.notices).toEqual(['1 of 3 points is marked [unverified]: the sources they cite do not support them.']);
  });

  it('leaves a fully supported draft and its notices unchanged', () => {
    const original = draftOf(point('Xi held talks with Kim in Beijing on March 26, 2018.', X));
    const { draft } = verifyDraft({ ...original, notices: ['kept'] }, cited, options);
    expect(draft).toEqual({ ...original, notices: ['kept'] });
  });

  it('supports every verbatim sentence of an extractive draft', () => {
    const sentences = [xinhuaVisit, reutersTrade, kcnaDalian].flatMap((s) => s.passage.text.split(/(?<=\.)\s+(?=[A-Z])/).map((text) => point(text, s.passage.id)));
    const { verification } = verifyDraft(draftOf(...sentences), cited, options);
    expect(verification.reasons).toEqual([]);
  });
});
