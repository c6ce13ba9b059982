import type { SourcesOverview } from '../briefing.ts';
import type { FeedHealth } from '../feed-runtime.ts';
import type { Brief, Source } from '../model.ts';
import type { GuildFeed } from '../store/keyv-guild-feeds.ts';

/** Plain objects of Discord's API shape, so this file needs nothing from discord.js. */
export type EmbedField = { name: string; value: string; inline?: boolean };
export type Embed = { title?: string; description?: string; color?: number; fields?: EmbedField[]; footer?: { text: string } };
/** Bot output never pings: user-supplied and source text may contain `@everyone` or `<@id>`. */
export type NoMentions = { parse: [] };
export type DiscordMessage = { content?: string; embeds: Embed[]; allowedMentions: NoMentions };

/** Discord's limits (UTF-16 code units), as checked by @discordjs/builders and the API. */
export const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Across every embed of one message. */
  total: 6000,
  embedsPerMessage: 10,
} as const;

const NO_MENTIONS = (): NoMentions => ({ parse: [] });
const COLOR = 0x2b6cb0;
/** One point or source line never takes more than this, so one long sentence cannot crowd out the rest. */
const MAX_POINT_CHARS = 700;
const MAX_SOURCE_TITLE_CHARS = 150;
const MAX_EXCERPT_CHARS = 220;
const NOT_FOUND = 'Not found in the sources: no article we hold answers this.';

/** The first `max` UTF-16 units, less a trailing high surrogate: Discord rejects half an emoji (it cannot be UTF-8). */
function cutAt(text: string, max: number): string {
  const head = text.slice(0, Math.max(0, max));
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

/** Collapses whitespace and cuts at `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${cutAt(flat, max - 1).trimEnd()}…`;
}

/**
 * Makes untrusted text (titles, outlets, passages, questions) render literally: markdown, masked links
 * (`[x](http://evil)`), autolinks, mentions and headings at the start of a line are all defused.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]()<>]/g, (char) => `\\${char}`)
    .replace(/:\/\//g, '\\://') // `https://…` in a title would otherwise become a live link
    .replace(/@/g, '@\u200b') // `@everyone` and `@here` stay visible but inert even without allowedMentions
    .replace(/^([#>-])/gm, '\\$1');
}

/** Escaped text cut to `max` characters without splitting an escape sequence. */
export function escapedClip(text: string, max: number): string {
  let room = max;
  for (;;) {
    const escaped = escapeMarkdown(clip(text, room));
    if (escaped.length <= max || room <= 1) return cutAt(escaped, max);
    room -= Math.max(1, escaped.length - max);
  }
}

/** Longer URLs are shown unlinked: one would eat a quarter of a field. */
const MAX_URL_CHARS = 512;

/** Only http(s) URLs become links; parentheses are encoded so they cannot close the link early. */
export function safeUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return href.length <= MAX_URL_CHARS ? href : undefined;
}

const citation = (n: number, byNumber: ReadonlyMap<number, Source>): string => {
  const url = byNumber.get(n) && safeUrl(byNumber.get(n)!.url);
  return url ? `[[${n}]](${url})` : `\\[${n}\\]`;
};

const sourceLine = (source: Source): string => {
  const title = escapeMarkdown(clip(source.title, MAX_SOURCE_TITLE_CHARS));
  const url = safeUrl(source.url);
  return `**${source.n}.** ${url ? `[${title}](${url})` : title} — ${escapeMarkdown(clip(source.outlet, 80))}, ${escapeMarkdown(source.publishedAt)}`;
};

/** As many leading lines as fit in `max` characters, then a note on how many were left out. */
function fitLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const size = (count: number) => lines.slice(0, count).join('\n').length;
  let kept = 0;
  while (kept < lines.length && size(kept + 1) <= max) kept++;
  // Give back lines until the "…and N more" note fits as well.
  while (kept < lines.length && kept > 0 && size(kept) + 1 + more(lines.length - kept).length > max) kept--;
  const text = [...lines.slice(0, kept), ...(kept < lines.length ? [more(lines.length - kept)] : [])].join('\n');
  return cutAt(text, max);
}

/** Greedily packs lines into fields of at most 1024 characters. */
function packFields(lines: readonly string[]): EmbedField[] {
  const values: string[] = [];
  for (const line of lines) {
    const last = values.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= LIMITS.fieldValue) values[values.length - 1] = `${last}\n${line}`;
    else values.push(cutAt(line, LIMITS.fieldValue));
  }
  return values.map((value, index) => ({ name: index === 0 ? 'Sources' : 'Sources (continued)', value }));
}

const fieldsSize = (fields: readonly EmbedField[]) => fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);

/** As many leading sources as fit in `budget` characters and 25 fields; the rest become "…and N more". */
function sourceFields(lines: readonly string[], budget: number): EmbedField[] {
  for (let kept = lines.length; kept >= 0; kept--) {
    const left = lines.length - kept;
    const more = left > 0 ? [`…and ${left} more: press **Sources** for the full list.`] : [];
    const fields = packFields([...lines.slice(0, kept), ...more]);
    if (fields.length <= LIMITS.fields && fieldsSize(fields) <= budget) return fields;
  }
  return [];
}

export type BriefRenderOptions = {
  /** The topic's display title, e.g. "China–DPRK relations"; defaults to the slug. */
  topicTitle?: string | undefined;
  /** Shown in the footer when the brief was written by a model. */
  model?: string | undefined;
};

export function briefTitle(brief: Brief, options: BriefRenderOptions = {}): string {
  if (brief.question !== undefined) return clip(`Q: ${brief.question}`, LIMITS.title);
  const period = brief.period.since ? `${brief.period.since} to ${brief.period.until}` : `up to ${brief.period.until}`;
  const topic = options.topicTitle ?? brief.topic ?? 'Brief';
  return `${clip(topic, LIMITS.title - period.length - 2)}: ${period}`;
}

/**
 * A brief or an answer as one embed: numbered points ending in citation links, the sources (title — outlet,
 * date) in fields, and a footer with how it was written and what it knows up to. Fits Discord's limits by
 * cutting long points and leaving trailing sources to the Sources button.
 */
export function briefMessage(brief: Brief, options: BriefRenderOptions = {}): DiscordMessage {
  const title = escapedClip(briefTitle(brief, options), LIMITS.title);
  const mode = brief.mode === 'extractive' ? 'offline extractive' : options.model?.trim() || brief.model?.trim() || 'LLM'; // Discord rejects a blank footer
  const footer = clip(`${mode}${brief.asOf ? ` · as of ${brief.asOf}` : ''}`, LIMITS.footer);
  const byNumber = new Map(brief.sources.map((source) => [source.n, source]));

  const notices = [...brief.notices];
  if (brief.points.length === 0 && !notices.some((notice) => /not found/i.test(notice))) notices.push(NOT_FOUND);
  const lines = [
    ...notices.map((notice) => `*${escapeMarkdown(clip(notice, MAX_POINT_CHARS))}*`),
    ...(notices.length > 0 && brief.points.length > 0 ? [''] : []),
    ...brief.points.map((point, index) => {
      const date = point.date ? `**${escapeMarkdown(point.date)}** — ` : '';
      return `${index + 1}. ${date}${escapeMarkdown(clip(point.text, MAX_POINT_CHARS))} ${point.citations.map((n) => citation(n, byNumber)).join('')}`;
    }),
  ];
  const sources = brief.sources.map(sourceLine);
  const fixed = title.length + footer.length;
  // Points come first; sources get what is left, and at least a few lines when there are any.
  const sourcesReserve = Math.min(sources.join('\n').length + 100, 1500);
  const description = fitLines(lines, Math.min(LIMITS.description, LIMITS.total - fixed - sourcesReserve), (left) => `*…and ${left} more.*`);
  const fields = sourceFields(sources, LIMITS.total - fixed - description.length);
  const embed: Embed = { title, description, color: COLOR, footer: { text: footer }, ...(fields.length > 0 ? { fields } : {}) };
  return { embeds: [embed], allowedMentions: NO_MENTIONS() };
}

/** Splits lines into embeds of at most `perEmbed` characters, and embeds into messages within Discord's totals. */
function paginate(title: string, lines: readonly string[], footer: string | undefined, perEmbed = 3800): DiscordMessage[] {
  const descriptions: string[] = [];
  let current = '';
  for (const line of lines) {
    const clipped = cutAt(line, perEmbed);
    if (current && current.length + 1 + clipped.length > perEmbed) {
      descriptions.push(current);
      current = '';
    }
    current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current || descriptions.length === 0) descriptions.push(current || '(none)');

  const messages: DiscordMessage[] = [];
  let embeds: Embed[] = [];
  let total = 0;
  descriptions.forEach((description, index) => {
    const embed: Embed = { description, color: COLOR };
    if (index === 0) embed.title = title;
    if (index === descriptions.length - 1 && footer) embed.footer = { text: footer };
    const size = description.length + (embed.title?.length ?? 0) + (embed.footer?.text.length ?? 0);
    if (embeds.length > 0 && (total + size > LIMITS.total || embeds.length >= LIMITS.embedsPerMessage)) {
      messages.push({ embeds, allowedMentions: NO_MENTIONS() });
      embeds = [];
      total = 0;
    }
    embeds.push(embed);
    total += size;
  });
  messages.push({ embeds, allowedMentions: NO_MENTIONS() });
  return messages;
}

/** Every source of a brief with the passage it rests on; one or more messages (the first is the reply). */
export function sourcesList(brief: Brief, options: BriefRenderOptions = {}): DiscordMessage[] {
  const lines = brief.sources.map((source) => {
    const excerpt = escapeMarkdown(clip(source.passage, MAX_EXCERPT_CHARS));
    return `${sourceLine(source)}\n> ${excerpt}`;
  });
  const title = escapedClip(`Sources: ${briefTitle(brief, options)}`, LIMITS.title);
  return paginate(title, lines.length > 0 ? lines : ['This brief cites no sources.'], `${brief.sources.length} sources`);
}

/** `/sources`: what the store holds, per outlet, then (when given) how each feed is doing. */
export function sourcesOverviewMessage(overview: SourcesOverview, feeds?: readonly FeedHealth[] | string): DiscordMessage[] {
  const lines = overview.outlets.map(
    (entry) => `**${escapeMarkdown(clip(entry.outlet, 100))}** — ${entry.articles} article${entry.articles === 1 ? '' : 's'}, newest ${entry.newest}`,
  );
  const footer = `${overview.articles} articles from ${overview.outlets.length} outlets`;
  const messages = paginate('Sources in the store', lines.length > 0 ? lines : ['The store holds no articles yet.'], footer);
  if (feeds === undefined) return messages;
  const health = typeof feeds === 'string' ? { title: 'Feeds', description: escapedClip(feeds, 500), color: COLOR } : feedHealthEmbed(feeds);
  const last = messages.at(-1)!;
  if (last.embeds.length < LIMITS.embedsPerMessage && [...last.embeds, health].reduce((sum, embed) => sum + embedSize(embed), 0) <= LIMITS.total) last.embeds.push(health);
  else messages.push({ embeds: [health], allowedMentions: NO_MENTIONS() });
  return messages;
}

const embedSize = (embed: Embed) =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + fieldsSize(embed.fields ?? []);

/** `<t:…>` renders in each reader's own time zone and language. */
const discordTime = (date: Date, style: 'f' | 'd' = 'f') => `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;
const MAX_REASON_CHARS = 160;
/** Room for the feed list: the outlets embed may share the message, so not the full 4096. */
const FEED_HEALTH_CHARS = 3000;

function feedHealthLine(feed: FeedHealth): string {
  const name = feed.name === feed.outlet ? '' : ` (${escapedClip(feed.name, 80)})`;
  const label = `**${escapedClip(feed.outlet, 80)}**${name}${feed.addedHere ? ' · added here' : ''}`;
  const state = feed.state;
  if (!state) return `${label} — not fetched yet`;
  const since = state.lastSuccessAt ? `last success ${discordTime(state.lastSuccessAt)}` : 'no success yet';
  if (state.status === 'ok') return `${label} — ok · ${since}`;
  const reason = escapedClip(state.lastError ?? 'unknown error', MAX_REASON_CHARS);
  const next = state.status === 'backing-off' && state.nextAttemptAt ? `backing off until ${discordTime(state.nextAttemptAt)}` : 'retried on the next run';
  return `${label} — failing: ${reason} (${state.failures} in a row) · ${next} · ${since}`;
}

/** One embed of feed statuses, failing ones first (the caller sorts); what does not fit becomes "…and N more". */
export function feedHealthEmbed(feeds: readonly FeedHealth[]): Embed {
  const count = (test: (feed: FeedHealth) => boolean) => feeds.filter(test).length;
  const failing = count((feed) => feed.state !== undefined && feed.state.status !== 'ok');
  const waiting = count((feed) => feed.state === undefined);
  const description = feeds.length === 0 ? 'No feeds are configured.' : fitLines(feeds.map(feedHealthLine), FEED_HEALTH_CHARS, (left) => `*…and ${left} more.*`);
  const footer = `${feeds.length} feed${feeds.length === 1 ? '' : 's'}: ${feeds.length - failing - waiting} ok, ${failing} failing, ${waiting} not fetched yet`;
  return { title: 'Feeds', description, color: COLOR, footer: { text: footer } };
}

/** A URL as inline code: shown exactly (for copying into /feeds remove), never a link. */
const codeUrl = (url: string) => `\`${clip(url, MAX_URL_CHARS).replace(/`/g, '%60')}\``;

/** `/feeds list`: the feeds this server added. */
export function guildFeedsMessage(feeds: readonly GuildFeed[]): DiscordMessage[] {
  const lines = feeds.map((feed) => {
    const by = /^\d{1,20}$/.test(feed.addedBy) ? `<@${feed.addedBy}>` : escapedClip(feed.addedBy, 40);
    return `**${escapedClip(feed.name, 100)}** — ${escapedClip(feed.outlet, 80)} · topic ${escapeMarkdown(feed.topic)} · added by ${by} ${discordTime(feed.addedAt, 'd')}\n${codeUrl(feed.url)}`;
  });
  const empty = 'This server has added no feeds. Add one with `/feeds add url:<address>`.';
  return paginate('Feeds this server added', lines.length > 0 ? lines : [empty], `${feeds.length} feed${feeds.length === 1 ? '' : 's'}`);
}

/** A short plain message (failures, confirmations). Content is at most 2000 characters. */
export function textMessage(content: string): DiscordMessage & { content: string } {
  return { content: cutAt(content, 2000), embeds: [], allowedMentions: NO_MENTIONS() };
}
