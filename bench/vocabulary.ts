import type { Random } from './random.ts';
import { pick } from './random.ts';

/** English function words, most frequent first: they take the top Zipf ranks, as in real text. */
export const FUNCTION_WORDS = `the of and to a in that is was for on with as by said at from his it be has have
are an its had were which but this not been their will after also they who more would over
than about into two other he up one new last when there all can some could what first three
while since during against before between under most such because where then only both each`
  .split(/\s+/)
  .filter(Boolean);

/** Words of diplomacy, trade and security reporting, roughly most common first. */
export const NEWS_WORDS = `year officials government country talks leader state visit trade minister president foreign
military nuclear meeting week month report statement border sanctions economic relations party
agency people security public media announced summit support data percent exports imports
million billion customs shipments council resolution weapons missile launch program ties friendship
cooperation delegation anniversary message letter congratulated held told reported according
region bilateral diplomatic ministry spokesperson embassy ambassador envoy negotiations agreement
declaration treaty alliance pressure tension crisis stability peace peninsula denuclearization
dialogue regime leadership chairman premier committee central congress plenary session election
term policy strategy development investment infrastructure railway bridge freight truck ship port
cargo coal oil fuel petroleum steel textiles seafood fertilizer rice food aid humanitarian
pandemic quarantine lockdown reopening reopened closed crossing traffic passenger flights train
tourism tourists workers labor smuggling enforcement violations panel experts monitoring vessel
ships transfers illicit banks financial network companies firms entities designated blacklist
veto vetoed opposed backed draft vote voted adopted condemned urged called warned pledged vowed
signed agreed discussed stressed reaffirmed expressed hoped welcomed praised criticized denied
confirmed quoted published broadcast television newspaper commentary editorial analysts observers
experts researchers sources insiders satellite imagery photos footage images parade ceremony
celebration banquet reception hosted attended arrived departed returned traveled accompanied
wife sister daughter vice deputy senior junior top high level working official unofficial
secret surprise historic first second third fourth fifth record highest lowest rising falling
growth decline drop rise increase decrease surge plunge slump recovery rebound estimate figures
statistics quarterly annual monthly weekly daily yuan dollars won prices market markets goods
products electronics machinery equipment vehicles parts components chemicals minerals iron ore
zinc lead copper rare earth fishing rights waters sea coast river province city capital county
town village farms harvest drought flood typhoon weather winter summer spring autumn morning
evening night hours days weeks months years decade century history historical memorial cemetery
soldiers volunteers war armistice veterans commemoration martyrs tomb wreath floral tribute
hospital doctors vaccine vaccines doses outbreak cases virus health medical supplies donation
grants loans debt credit payments currency exchange rate inflation shortage shortages rations
markets traders merchants smugglers defectors refugees repatriation detention camps rights
abuses report investigation inquiry court trial sentence prison release released freed hostage
cyber hackers cryptocurrency theft heist laundering accounts wallet exchange funds revenue
income budget spending defense drills exercises joint naval air force army navy troops units
artillery rockets warheads uranium plutonium reactor enrichment facility site test tests tested
fired launched intercontinental ballistic hypersonic submarine satellite orbit rocket engine
space program reconnaissance spy cameras radar systems technology transfer assistance know how`
  .split(/\s+/)
  .filter(Boolean);

export type SyntheticEntity = { name: string; kind: 'person' | 'place' | 'country' | 'org'; side: 'china' | 'dprk' | 'other' };

/** The beat's cast: the topic's own entities (so its on-topic rule and aliases fire) plus bystanders. */
export const ENTITIES: readonly SyntheticEntity[] = [
  { name: 'Kim Jong Un', kind: 'person', side: 'dprk' },
  { name: 'Choe Son Hui', kind: 'person', side: 'dprk' },
  { name: 'Pyongyang', kind: 'place', side: 'dprk' },
  { name: 'North Korea', kind: 'country', side: 'dprk' },
  { name: 'DPRK', kind: 'country', side: 'dprk' },
  { name: "Workers' Party of Korea", kind: 'org', side: 'dprk' },
  { name: 'Xi Jinping', kind: 'person', side: 'china' },
  { name: 'Wang Yi', kind: 'person', side: 'china' },
  { name: 'Li Qiang', kind: 'person', side: 'china' },
  { name: 'Beijing', kind: 'place', side: 'china' },
  { name: 'China', kind: 'country', side: 'china' },
  { name: 'Communist Party of China', kind: 'org', side: 'china' },
  { name: 'Dandong', kind: 'place', side: 'other' },
  { name: 'Sinuiju', kind: 'place', side: 'other' },
  { name: 'Seoul', kind: 'place', side: 'other' },
  { name: 'Moscow', kind: 'place', side: 'other' },
  { name: 'Washington', kind: 'place', side: 'other' },
  { name: 'South Korea', kind: 'country', side: 'other' },
  { name: 'Russia', kind: 'country', side: 'other' },
  { name: 'United States', kind: 'country', side: 'other' },
  { name: 'Japan', kind: 'country', side: 'other' },
  { name: 'United Nations', kind: 'org', side: 'other' },
  { name: 'Vladimir Putin', kind: 'person', side: 'other' },
  { name: 'Donald Trump', kind: 'person', side: 'other' },
  { name: 'Yoon Suk Yeol', kind: 'person', side: 'other' },
  { name: 'Moon Jae-in', kind: 'person', side: 'other' },
];

export const OUTLETS = [
  'Yonhap', 'KCNA', 'Xinhua', 'NK News', 'Reuters', 'AP', 'AFP', 'South China Morning Post', 'Korea Herald',
  'Korea JoongAng Daily', 'KBS World', 'Global Times', "People's Daily", 'The Diplomat', '38 North', 'Daily NK',
] as const;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const ONSETS = ['b', 'ch', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 'sh', 't', 'v', 'w', 'y', 'z', 'br', 'cl', 'dr', 'gr', 'pl', 'st', 'tr'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'm', 'nd', 'rt', 'st', 'ck'];

/**
 * The long tail: pronounceable made-up words (rare names, places, jargon). Real English alone would
 * cap the vocabulary at a few thousand words; a news archive has hundreds of thousands of terms.
 */
export function tailWords(random: Random, count: number, taken: ReadonlySet<string>): string[] {
  const words: string[] = [];
  const seen = new Set(taken);
  while (words.length < count) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(random, ONSETS) + pick(random, NUCLEI) + (i === syllables - 1 ? pick(random, CODAS) : '');
    if (seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}
