import { isValidTimezone } from './schedule.ts';

/** Discord caps an autocomplete choice's name at 100 characters (IANA names are far shorter) and a response at 25 choices. */
const DISCORD = { nameLength: 100, choices: 25 } as const;

/**
 * Current IANA names that Node 20's ICU lists only under their old names (Asia/Calcutta, Europe/Kiev …).
 * Intl accepts both, so both are offered: people type the name they know.
 */
const CURRENT_NAMES = [
  'Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'Asia/Yangon', 'America/Nuuk',
  'America/Argentina/Buenos_Aires', 'Atlantic/Faroe', 'Pacific/Kanton', 'Pacific/Pohnpei', 'Pacific/Chuuk',
];

/** 'UTC' first: Node's list leaves it out (it has only the region zones), yet people look for it by that name. */
const ZONES: readonly string[] = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), ...CURRENT_NAMES.filter(isValidTimezone)])];

/** What an empty box offers: widely used zones, rather than the alphabet's first 25 (Africa/Abidjan …). */
const POPULAR = [
  'UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Moscow', 'Africa/Lagos', 'Africa/Johannesburg',
  'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Seoul', 'Asia/Tokyo',
  'Australia/Sydney', 'Pacific/Auckland',
].filter((zone) => ZONES.includes(zone));

const popularity = (zone: string) => (POPULAR.includes(zone) ? 0 : 1);

/** "UTC−05:00" with a real minus sign, as an offset is usually printed; "UTC+00:00" for UTC itself. */
export function utcOffsetLabel(timezone: string, now: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(now)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = part.replace(/^GMT/, '') || '+00:00';
  return `UTC${offset.replace('-', '\u2212')}`;
}

/** 0 exact (whole name or its last part), 1 prefix of the name or of a part after '/', 2 substring, -1 none. */
function rank(zone: string, needle: string): number {
  const name = zone.toLowerCase();
  const parts = name.split('/');
  if (name === needle || parts.at(-1) === needle) return 0;
  if (name.startsWith(needle) || parts.slice(1).some((part) => part.startsWith(needle))) return 1;
  return name.includes(needle) ? 2 : -1;
}

/**
 * Autocomplete choices for a timezone option: case-insensitive substring matches on the IANA name, with
 * spaces read as underscores ("new york" finds America/New_York), exact and prefix matches first. Each
 * name carries the zone's UTC offset at `now`, e.g. "America/New_York (UTC−05:00)"; the value is the zone.
 */
export function timezoneChoices(typed: string, limit = 25, now: Date): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const zones = needle
    ? ZONES.map((zone) => ({ zone, rank: rank(zone, needle) }))
        .filter((candidate) => candidate.rank >= 0)
        // Among equal matches a widely used zone comes first: "lon" is London before Longyearbyen.
        .sort((a, b) => a.rank - b.rank || popularity(a.zone) - popularity(b.zone) || a.zone.localeCompare(b.zone))
        .map((candidate) => candidate.zone)
    : POPULAR;
  return zones.slice(0, Math.min(limit, DISCORD.choices)).map((zone) => ({
    name: `${zone} (${utcOffsetLabel(zone, now)})`.slice(0, DISCORD.nameLength),
    value: zone,
  }));
}
