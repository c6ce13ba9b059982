import { tokenize } from './tokenize.ts';

/**
 * Words a reader uses interchangeably when asking about diplomacy and trade news. Users paraphrase
 * ("trip" for "visit", "went down" for "fell"); these groups let a question find the article's own
 * wording. Deliberately small and general: topic names live in the topic files as aliases.
 */
const GROUPS = [
  'visit visited trip travel traveled went go goes arrive arrived arrival tour',
  'trade commerce import imported export exported shipment',
  'drop dropped fall fell decline declined plunge plunged slump collapse collapsed shrink shrank low',
  'grow grew growth rise rose increase increased jump jumped surge surged recover recovered',
  'message letter cable congratulate congratulated congratulatory congratulation greeting',
  'block blocked veto vetoed oppose opposed reject rejected',
  'sanction embargo ban banned resolution',
  'meet met meeting summit talk held',
  'send sent dispatch dispatched delegation envoy',
  'anniversary birthday celebration celebrate celebrated commemorate',
  'support supported back backed endorse endorsed vote voted',
  'denuclearization denuclearize denuclearized nuclear',
  'border frontier crossing reopen reopened reopening',
];

const bySynonym = new Map<string, string[]>();
for (const group of GROUPS) {
  const terms = [...new Set(tokenize(group))];
  for (const term of terms) bySynonym.set(term, [...new Set([...(bySynonym.get(term) ?? []), ...terms.filter((t) => t !== term)])]);
}

export const synonymsOf = (term: string): readonly string[] => bySynonym.get(term) ?? [];
