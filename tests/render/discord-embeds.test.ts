import { describe, expect, it } from 'vitest';
import type { FeedHealth } from '../../src/feed-runtime.ts';
import type { Brief, Source } from '../../src/model.ts';
import { briefMessage, escapeMarkdown, LIMITS, sourcesList, sourcesOverviewMessage, type DiscordMessage } from '../../src/render/discord-embeds.ts';
import { linkTargets } from '../support/link-targets.ts';

const source = (n: number, overrides: Partial<Source> = {}): Source => ({
  n,
  articleId: `a${n}`,
  title: `Article ${n}`,
  outlet: 'Xinhua',
  url: `https://example.com/news/${n}`,
  publishedAt: '2026-02-20',
  passage: `Passage ${n} says something.`,
  passageId: `a${n}#0`,
  ...overrides,
});

const brief = (overrides: Partial<Brief> = {}): Brief => ({
  topic: 'china-dprk',
  mode: 'extractive',
  asOf: '2026-04-10',
  period: { since: '2026-03-01', until: '2026-04-10' },
  points: [
    { text: 'Wang Yi held talks in Pyongyang.', citations: [1, 2], date: '2026-04-10' },
    { text: 'Passenger trains resumed.', citations: [2], date: '2026-03-12' },
  ],
  sources: [source(1), source(2)],
  notices: [],
  ...overrides,
});

/** Every limit Discord enforces on a message's embeds; [] when the message would be accepted. */
function limitProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  let total = 0;
  if (message.embeds.length > LIMITS.embedsPerMessage) problems.push(`${message.embeds.length} embeds`);
  for (const embed of message.embeds) {
    const fields = embed.fields ?? [];
    if ((embed.title?.length ?? 0) > LIMITS.title) problems.push(`title ${embed.title?.length}`);
    if ((embed.description?.length ?? 0) > LIMITS.description) problems.push(`description ${embed.description?.length}`);
    if ((embed.footer?.text.length ?? 0) > LIMITS.footer) problems.push('footer');
    if (fields.length > LIMITS.fields) problems.push(`${fields.length} fields`);
    for (const field of fields) {
      if (field.name.length > LIMITS.fieldName || field.name.length === 0) problems.push(`field name ${field.name.length}`);
      if (field.value.length > LIMITS.fieldValue || field.value.length === 0) problems.push(`field value ${field.value.length}`);
    }
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    total += fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  }
  if (total > LIMITS.total) problems.push(`total ${total}`);
  return problems;
}

/** Every text a member sees in the message. */
const texts = (message: DiscordMessage): string[] =>
  message.embeds.flatMap((embed) => [embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '', ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])]);


/** Text outside our own link targets, where no live URL or mention may appear. */
const withoutLinkTargets = (text: string) => text.replace(/\]\(https?:\/\/[^)\s]+\)/g, '](…)');

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const HOSTILE = [
  '@everyone', '@here', '<@123456789012345678>', '<#123456789012345678>', '[x](http://evil.example)', '[[1]](javascript:alert(1))',
  '**bold**', '__under__', '~~strike~~', '`code`', '```block```', '||spoiler||', '> quote', '# Heading', '- list', 'https://evil.example/path',
  ')', '(', ']', '[', '\\', '\n\n', 'é', '🦆', '朝鲜', ' ', 'word',
];

function hostileText(rng: ReturnType<typeof random>, maxParts: number): string {
  const parts = Math.floor(rng.next() * maxParts) + 1;
  return Array.from({ length: parts }, () => (rng.next() < 0.02 ? 'x'.repeat(5000) : rng.pick(HOSTILE))).join(rng.pick(['', ' ', '\n']));
}

function hostileBrief(rng: ReturnType<typeof random>): Brief {
  const sourceCount = Math.floor(rng.next() * 40);
  const sources = Array.from({ length: sourceCount }, (_, i) =>
    source(i + 1, {
      title: hostileText(rng, 12),
      outlet: hostileText(rng, 3),
      passage: hostileText(rng, 20),
      url: rng.pick([`https://example.com/a/${i}`, `http://example.com/(b)/${i}?q=[x]`, 'javascript:alert(1)', 'not a url', `https://example.com/${'x'.repeat(600)}`]),
    }),
  );
  const points = Array.from({ length: Math.floor(rng.next() * 30) }, () => ({
    text: hostileText(rng, 30) || 'x',
    citations: [Math.floor(rng.next() * Math.max(sourceCount, 1)) + 1],
    ...(rng.next() < 0.5 ? { date: '2026-01-01' } : {}),
  }));
  return brief({
    points,
    sources,
    notices: rng.next() < 0.3 ? [hostileText(rng, 5)] : [],
    ...(rng.next() < 0.5 ? { question: hostileText(rng, 10) } : {}),
  });
}

describe('Discord brief rendering', () => {
  it('titles a brief with the topic title and its period, and footers it with the mode and as-of date', () => {
    const [embed] = briefMessage(brief(), { topicTitle: 'China–DPRK relations' }).embeds;
    expect(embed?.title).toBe('China–DPRK relations: 2026-03-01 to 2026-04-10');
    expect(embed?.footer?.text).toBe('offline extractive · as of 2026-04-10');
  });

  it('numbers the points and ends each with links to the sources it cites', () => {
    const [embed] = briefMessage(brief()).embeds;
    expect(embed?.description).toBe(
      '1. **2026-04-10** — Wang Yi held talks in Pyongyang. [[1]](https://example.com/news/1)[[2]](https://example.com/news/2)\n' +
        '2. **2026-03-12** — Passenger trains resumed. [[2]](https://example.com/news/2)',
    );
  });

  it('lists the sources as title — outlet, date in a Sources field', () => {
    const [embed] = briefMessage(brief()).embeds;
    expect(embed?.fields).toEqual([
      { name: 'Sources', value: '**1.** [Article 1](https://example.com/news/1) — Xinhua, 2026-02-20\n**2.** [Article 2](https://example.com/news/2) — Xinhua, 2026-02-20' },
    ]);
  });

  it('titles an answer with its question and names the model in the footer when one wrote it', () => {
    const [embed] = briefMessage(brief({ question: 'When did Xi visit?', mode: 'llm' }), { model: 'gpt-4o-mini' }).embeds;
    expect(embed?.title).toBe('Q: When did Xi visit?');
    expect(embed?.footer?.text).toBe('gpt-4o-mini · as of 2026-04-10');
  });

  it('shows the app notices above the points', () => {
    const [embed] = briefMessage(brief({ notices: ['No new reporting between 2026-03-01 and 2026-04-10.'] })).embeds;
    expect(embed?.description?.split('\n')[0]).toBe('*No new reporting between 2026-03-01 and 2026-04-10.*');
  });

  it('says "not found in the sources" for an answer with no points and no notice', () => {
    const [embed] = briefMessage(brief({ question: 'Price of bananas?', points: [], sources: [] })).embeds;
    expect(embed?.description).toMatch(/not found in the sources/i);
    expect(embed?.fields).toBeUndefined();
  });

  it('keeps the app\'s own not-found notice instead of adding a second one', () => {
    const notice = 'Not found in the sources: no article we hold answers this question.';
    const [embed] = briefMessage(brief({ question: 'x', points: [], sources: [], notices: [notice] })).embeds;
    expect(embed?.description).toBe(`*${notice}*`);
  });

  it('links only http(s) URLs and leaves other source URLs as plain text', () => {
    const [embed] = briefMessage(brief({ sources: [source(1, { url: 'javascript:alert(1)' }), source(2, { url: 'ftp://example.com/x' })] })).embeds;
    const targets = texts({ embeds: [embed!], allowedMentions: { parse: [] } }).flatMap(linkTargets);
    expect(targets).toEqual([]);
    expect(embed?.description).toContain('\\[1\\]');
  });

  it('defuses mentions, masked links and markdown in source titles', () => {
    const title = '@everyone [click](http://evil.example) **now** `x` ~~y~~ ||z|| <@123>';
    const [embed] = briefMessage(brief({ sources: [source(1, { title })] })).embeds;
    const value = embed?.fields?.[0]?.value ?? '';
    expect(value).not.toContain('@everyone');
    expect(linkTargets(value)).toEqual(['https://example.com/news/1']);
    expect(value).toContain('\\*\\*now\\*\\*');
    expect(value).toContain('\\<@\u200b123\\>');
  });

  it('escapes a heading or quote marker at the start of a line', () => {
    expect(escapeMarkdown('# big\n> quoted\n- item')).toBe('\\# big\n\\> quoted\n\\- item');
  });

  it('encodes parentheses in a URL so it cannot end its link early', () => {
    const [embed] = briefMessage(brief({ sources: [source(1, { url: 'https://example.com/a_(b)' }), source(2)] })).embeds;
    expect(embed?.description).toContain('[[1]](https://example.com/a_%28b%29)');
  });

  it('cuts a long point before an emoji rather than through it, since Discord rejects half a surrogate pair', () => {
    const [embed] = briefMessage(brief({ points: [{ text: '🦆'.repeat(400), citations: [1] }] })).embeds;
    expect(embed?.description).toMatch(/^1\. (?:🦆)+… \[\[1\]\]/);
    expect(embed?.description).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('writes "LLM" in the footer when the model name is blank, as Discord rejects an empty footer', () => {
    const [embed] = briefMessage(brief({ mode: 'llm', model: ' ', asOf: null })).embeds;
    expect(embed?.footer?.text).toBe('LLM');
  });

  it('cuts a 5000-character point and leaves trailing sources to the Sources button when the brief is long', () => {
    const long = brief({
      points: Array.from({ length: 12 }, (_, i) => ({ text: `${'word '.repeat(1000)}${i}`, citations: [i + 1] })),
      sources: Array.from({ length: 60 }, (_, i) => source(i + 1, { title: `A rather long article title number ${i + 1} `.repeat(4) })),
    });
    const message = briefMessage(long);
    expect(limitProblems(message)).toEqual([]);
    const fields = message.embeds[0]?.fields ?? [];
    expect(fields.at(-1)?.value).toMatch(/…and \d+ more: press \*\*Sources\*\* for the full list\.$/);
    expect(message.embeds[0]?.description).toMatch(/…and \d+ more\.\*$/);
  });

  it('stays within every Discord limit and links only to source URLs for 300 hostile briefs', () => {
    const rng = random(20260227);
    for (let run = 0; run < 300; run++) {
      const hostile = hostileBrief(rng);
      const allowed = new Set(hostile.sources.map((s) => s.url.replaceAll('(', '%28').replaceAll(')', '%29')));
      for (const message of [briefMessage(hostile, { topicTitle: hostileText(rng, 5) }), ...sourcesList(hostile)]) {
        expect(limitProblems(message), `run ${run}`).toEqual([]);
        expect(message.allowedMentions).toEqual({ parse: [] });
        for (const text of texts(message)) {
          for (const target of linkTargets(text)) expect(allowed.has(new URL(target).href) || allowed.has(target), `run ${run}: ${target}`).toBe(true);
          const outside = withoutLinkTargets(text);
          expect(outside, `run ${run}`).not.toMatch(/@everyone|@here|(?<!\\)<@/);
          expect(outside, `run ${run}`).not.toMatch(/(?<!\\):\/\//);
        }
      }
    }
  });
});

describe('Discord sources lists', () => {
  it('lists every source with its cited passage, over several embeds when needed', () => {
    const many = brief({ sources: Array.from({ length: 80 }, (_, i) => source(i + 1, { passage: 'p'.repeat(400) })) });
    const messages = sourcesList(many, { topicTitle: 'China–DPRK relations' });
    const all = messages.flatMap((m) => m.embeds.map((e) => e.description ?? '')).join('\n');
    for (let n = 1; n <= 80; n++) expect(all).toContain(`**${n}.** [Article ${n}](https://example.com/news/${n})`);
    expect(messages.flatMap((m) => m.embeds).length).toBeGreaterThan(1);
    for (const message of messages) expect(limitProblems(message)).toEqual([]);
    expect(messages[0]?.embeds[0]?.title).toBe('Sources: China–DPRK relations: 2026-03-01 to 2026-04-10');
  });

  it('summarises the store per outlet with article counts and the newest date', () => {
    const [message] = sourcesOverviewMessage({ articles: 3, outlets: [{ outlet: 'Xinhua', articles: 2, newest: '2026-04-10' }, { outlet: 'KCNA', articles: 1, newest: '2019-06-21' }] });
    expect(message?.embeds[0]?.description).toBe('**Xinhua** — 2 articles, newest 2026-04-10\n**KCNA** — 1 article, newest 2019-06-21');
    expect(message?.embeds[0]?.footer?.text).toBe('3 articles from 2 outlets');
  });

  it('adds feed health, cutting a long list with "…and N more" within Discord\'s limits', () => {
    const failing = (n: number): FeedHealth => ({
      name: `Feed ${n} @everyone`, outlet: `Outlet ${n}`, addedHere: n % 2 === 0,
      state: { url: `https://example.com/${n}`, failures: 3, status: 'backing-off', lastError: `HTTP 503: [click](https://evil.test) ${'x'.repeat(400)}`, nextAttemptAt: new Date('2026-04-10T12:00:00Z') },
    });
    const outlets = Array.from({ length: 120 }, (_, i) => ({ outlet: `Outlet ${i}`, articles: 3, newest: '2026-04-10' }));
    const messages = sourcesOverviewMessage({ articles: 360, outlets }, Array.from({ length: 200 }, (_, i) => failing(i)));
    for (const message of messages) expect(limitProblems(message)).toEqual([]);
    const feeds = messages.flatMap((m) => m.embeds).find((embed) => embed.title === 'Feeds');
    expect(feeds?.description).toMatch(/\n\*…and \d+ more\.\*$/);
    expect(feeds?.description).toContain('**Outlet 0** (Feed 0 @\u200beveryone) · added here — failing: HTTP 503: \\[click\\]\\(https\\://evil.test\\) xxx');
    expect(feeds?.description).toContain('(3 in a row) · backing off until <t:1775822400:f> · no success yet');
    expect(feeds?.footer?.text).toBe('200 feeds: 0 ok, 200 failing, 0 not fetched yet');
  });
});
