import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeedHealth } from '../../src/feed-runtime.ts';
import { Brief } from '../../src/model.ts';
import {
  briefMessage,
  escapedClip,
  escapeMarkdown,
  feedHealthEmbed,
  guildFeedsMessage,
  LIMITS,
  safeUrl,
  sourcesList,
  sourcesOverviewMessage,
  textMessage,
  type DiscordMessage,
  type Embed,
} from '../../src/render/discord-embeds.ts';
import type { GuildFeed } from '../../src/store/keyv-guild-feeds.ts';
import { linkTargets } from '../support/link-targets.ts';
import { brief, hostileText, isoDate, LONE_SURROGATE, text } from './arbitraries.ts';

const CONTENT_LIMIT = 2000;
const MARKDOWN_SPECIAL = new Set('\\*_~`|[]()<>');

/** Every limit Discord enforces on one message; [] when it would be accepted. */
function limitProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  const embedSize = (embed: Embed) =>
    (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  if ((message.content?.length ?? 0) > CONTENT_LIMIT) problems.push(`content ${message.content?.length}`);
  if (message.embeds.length > LIMITS.embedsPerMessage) problems.push(`${message.embeds.length} embeds`);
  if (message.embeds.length === 0 && !message.content) problems.push('empty message');
  for (const embed of message.embeds) {
    const fields = embed.fields ?? [];
    if (embed.title !== undefined && (embed.title.length === 0 || embed.title.length > LIMITS.title)) problems.push(`title ${embed.title.length}`);
    if (embed.description !== undefined && (embed.description.length === 0 || embed.description.length > LIMITS.description)) problems.push(`description ${embed.description.length}`);
    if (embed.footer && (embed.footer.text.length === 0 || embed.footer.text.length > LIMITS.footer)) problems.push(`footer ${embed.footer.text.length}`);
    if (fields.length > LIMITS.fields) problems.push(`${fields.length} fields`);
    for (const field of fields) {
      if (field.name.length === 0 || field.name.length > LIMITS.fieldName) problems.push(`field name ${field.name.length}`);
      if (field.value.trim().length === 0 || field.value.length > LIMITS.fieldValue) problems.push(`field value ${field.value.length}`);
    }
  }
  const total = message.embeds.reduce((sum, embed) => sum + embedSize(embed), 0);
  if (total > LIMITS.total) problems.push(`total ${total}`);
  if (JSON.stringify(message.allowedMentions) !== '{"parse":[]}') problems.push('allowedMentions');
  return problems;
}

/** Texts Discord renders as markdown. Footers are plain text in Discord, so they are checked only for length. */
const markdownTexts = (message: DiscordMessage): string[] =>
  message.embeds.flatMap((embed) => [embed.title ?? '', embed.description ?? '', ...(embed.fields ?? []).flatMap((field) => [field.name, field.value])]);
const allTexts = (message: DiscordMessage): string[] => [message.content ?? '', ...markdownTexts(message), ...message.embeds.map((embed) => embed.footer?.text ?? '')];

/**
 * Live syntax in rendered markdown that did not come from the renderer itself: a masked link to anything
 * but a source's own (safe) URL, a raw `@everyone`/`@here`, an unescaped `<@…>` mention, or a bare autolink.
 * `ownMentions` are the renderer's deliberate `<@id>` (the admin who added a feed; allowedMentions keeps it silent).
 */
function liveSyntax(rendered: string, allowedTargets: ReadonlySet<string>, ownMentions: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(rendered)) if (!allowedTargets.has(target)) problems.push(`link to ${JSON.stringify(target.slice(0, 80))}`);
  let outside = rendered.replace(/\]\(https?:\/\/[^)\s]+\)/g, '](…)');
  for (const mention of ownMentions) outside = outside.replaceAll(mention, '');
  if (/@(?:everyone|here)/.test(outside)) problems.push('@everyone/@here');
  if (/(?<!\\)<@/.test(outside)) problems.push('unescaped <@');
  if (/(?<!\\):\/\//.test(outside)) problems.push('bare ://');
  return problems;
}

const allowedTargetsOf = (value: Brief) => new Set(value.sources.flatMap((source) => safeUrl(source.url) ?? []));

describe('escapeMarkdown on arbitrary text', () => {
  it('leaves no markdown character unescaped, no live mention and no autolink', () => {
    fc.assert(
      fc.property(text(20), (input) => {
        const escaped = escapeMarkdown(input);
        const unescaped: string[] = [];
        for (let i = 0; i < escaped.length; i++) {
          if (escaped[i] === '\\') i++;
          else if (MARKDOWN_SPECIAL.has(escaped[i]!)) unescaped.push(`${escaped[i]} at ${i}`);
        }
        expect(unescaped).toEqual([]);
        expect(liveSyntax(escaped, new Set())).toEqual([]);
        expect(escaped).not.toMatch(/@(?!\u200b)/);
        expect(escaped).not.toMatch(/^[#>-]/m);
      }),
      { numRuns: 200 },
    );
  });

  it('clips escaped text to at most `max` characters', () => {
    fc.assert(
      fc.property(text(20), fc.integer({ min: 1, max: 3000 }), (input, max) => {
        const clipped = escapedClip(input, max);
        expect(clipped.length).toBeLessThanOrEqual(max);
        expect(liveSyntax(clipped, new Set())).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

const renderOptions = (wellFormed = false) => fc.record({ topicTitle: text(4, wellFormed), model: text(2, wellFormed) }, { requiredKeys: [] });

describe('Discord rendering of arbitrary briefs', () => {
  it('fits every Discord limit and lets no mention or foreign link through, for the brief and its sources list', () => {
    fc.assert(
      fc.property(brief(), renderOptions(), (value, options) => {
        Brief.parse(value);
        const allowed = allowedTargetsOf(value);
        for (const message of [briefMessage(value, options), ...sourcesList(value, options)]) {
          expect(limitProblems(message)).toEqual([]);
          for (const rendered of markdownTexts(message)) expect(liveSyntax(rendered, allowed)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never cuts an emoji in half: valid UTF-16 in, valid UTF-16 out (Discord rejects lone surrogates)', () => {
    fc.assert(
      fc.property(brief(true), renderOptions(true), (value, options) => {
        for (const message of [briefMessage(value, options), ...sourcesList(value, options)]) {
          for (const rendered of allTexts(message)) expect(rendered).not.toMatch(LONE_SURROGATE);
        }
      }),
      { numRuns: 100 },
    );
  });
});

const feedState = fc.record(
  {
    url: fc.webUrl(),
    failures: fc.nat({ max: 50 }),
    status: fc.constantFrom('ok' as const, 'backing-off' as const, 'failing' as const),
    lastError: text(8),
    nextAttemptAt: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }),
    lastSuccessAt: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }),
  },
  { requiredKeys: ['url', 'failures', 'status'] },
);
const feedHealth: fc.Arbitrary<FeedHealth> = fc.record(
  { name: text(4), outlet: text(3), addedHere: fc.boolean(), state: feedState },
  { requiredKeys: ['name', 'outlet', 'addedHere'] },
);
/** The sentence /sources shows when feed health cannot be read: never blank. */
const feedHealthUnavailable = text(10).filter((sentence) => sentence.trim().length > 0);
const overview = fc.record({
  articles: fc.nat(),
  outlets: fc.array(fc.record({ outlet: text(4), articles: fc.nat({ max: 10_000 }), newest: isoDate }), { maxLength: 200, size: 'max' }),
});
const guildFeed: fc.Arbitrary<GuildFeed> = fc.record({
  name: text(4).map((name) => name.trim() || 'n'),
  url: fc.oneof(fc.webUrl({ withQueryParameters: true }), text(3).map((tail) => `https://feeds.example/${tail.replace(/\s/g, '')}`)),
  outlet: text(3).map((outlet) => outlet.trim() || 'o'),
  language: fc.constantFrom('en', 'ko', 'zh'),
  kind: fc.constantFrom('rss' as const),
  stateMedia: fc.boolean(),
  topic: fc.stringMatching(/^[a-z0-9-]{1,40}$/),
  addedBy: fc.oneof(fc.stringMatching(/^\d{1,20}$/), text(3).map((by) => by || 'x')),
  addedAt: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }),
});

/** A code span on a line of its own (a feed URL shown for copying) renders literally; mentions and links in it are inert. */
const withoutCodeLines = (rendered: string) => rendered.replace(/^`[^`\n]*`$/gm, '');

describe('Discord rendering of store and feed listings', () => {
  it('fits every limit for the /sources overview with or without feed health, and defuses outlet names and errors', () => {
    fc.assert(
      fc.property(overview, fc.option(fc.oneof(fc.array(feedHealth, { maxLength: 120, size: 'max' }), feedHealthUnavailable), { nil: undefined }), (value, feeds) => {
        const messages = sourcesOverviewMessage(value, feeds);
        for (const message of messages) {
          expect(limitProblems(message)).toEqual([]);
          for (const rendered of markdownTexts(message)) expect(liveSyntax(rendered, new Set())).toEqual([]);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('fits every limit for the feed health embed alone', () => {
    fc.assert(
      fc.property(fc.array(feedHealth, { maxLength: 200, size: 'max' }), (feeds) => {
        expect(limitProblems({ embeds: [feedHealthEmbed(feeds)], allowedMentions: { parse: [] } })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('fits every limit for /feeds list and mentions only the admin who added each feed', () => {
    fc.assert(
      fc.property(fc.array(guildFeed, { maxLength: 60, size: 'max' }), (feeds) => {
        const own = feeds.filter((feed) => /^\d{1,20}$/.test(feed.addedBy)).map((feed) => `<@${feed.addedBy}>`);
        for (const message of guildFeedsMessage(feeds)) {
          expect(limitProblems(message)).toEqual([]);
          for (const rendered of markdownTexts(message)) expect(liveSyntax(withoutCodeLines(rendered), new Set(), own)).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a plain text message within 2000 characters and silent, without splitting an emoji', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(30), text(5, true)), (content) => {
        const message = textMessage(content);
        expect(message.content.length).toBeLessThanOrEqual(CONTENT_LIMIT);
        expect(content.startsWith(message.content)).toBe(true);
        expect(message.allowedMentions).toEqual({ parse: [] });
        if (!LONE_SURROGATE.test(content)) expect(message.content).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Discord text cuts at the edge of an emoji', () => {
  it('drops the half emoji that a cut at 2000 characters would leave in a plain message', () => {
    const content = textMessage(`a${'🦆'.repeat(1000)}`).content;
    expect(content).toBe(`a${'🦆'.repeat(999)}`);
  });
});
