import { tokenize } from './tokenize.ts';

/**
 * Words a reader uses interchangeably when asking about diplomacy and trade news. Users paraphrase
 * ("trip" for "visit", "went down" for "fell"); these groups let a question find the article's own
 * wording. The Korean and Chinese words are translations, so a question in one language finds
 * articles in another. Deliberately small and general: names live in the topic files as aliases.
 */
const GROUPS = [
  'visit visited trip travel traveled went go goes arrive arrived arrival tour 방문 방중 방북 访问 访华 访朝',
  'trade commerce import imported export exported shipment 무역 교역 贸易',
  'drop dropped fall fell decline declined plunge plunged slump collapse collapsed shrink shrank low',
  'grow grew growth rise rose increase increased jump jumped surge surged recover recovered',
  'message letter write wrote written cable congratulate congratulated congratulatory congratulation greeting 축전 친서 메시지 贺电 致电 贺信',
  'block blocked veto vetoed oppose opposed reject rejected',
  'sanction embargo ban banned resolution 제재 制裁',
  'meet met meeting summit talk held 회담 정상회담 会谈 会见 会晤',
  'parade procession 열병식 阅兵',
  'treaty alliance 조약 条约',
  'train rail railway 열차 列车',
  'send sent dispatch dispatched delegation envoy',
  'anniversary birthday celebration celebrate celebrated commemorate 주년 周年 纪念',
  'support supported back backed endorse endorsed vote voted',
  'denuclearization denuclearize denuclearized nuclear',
  'border frontier crossing reopen reopened reopening',
];

const bySynonym = new Map<string, string[]>();
/** The first word of each group: the one a translation maps to at full weight. */
const heads = new Set<string>();
for (const group of GROUPS) {
  const terms = [...new Set(tokenize(group))];
  if (terms[0]) heads.add(terms[0]);
  for (const term of terms) bySynonym.set(term, [...new Set([...(bySynonym.get(term) ?? []), ...terms.filter((t) => t !== term)])]);
}

export const synonymsOf = (term: string): readonly string[] => bySynonym.get(term) ?? [];
export const isHeadWord = (term: string): boolean => heads.has(term);
