import { describe, expect } from 'vitest';
import { isJson } from '../support/discord-double.ts';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, followUpOf, isEphemeral, linkTargets, originalMessage, percentile, shownText, test } from './bot-fixture.ts';

describe('/brief over the real discord.js client', () => {
  test('defers at once, then edits in an embed whose every link is a source of the brief', async ({ connect }) => {
    const { double, app } = await connect();
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const edit = await double.waitForRequest(editOf(ix.token));
    const callback = double.requests.find(callbackFor(ix.token));
    expect(callback && bodyOf(callback)).toMatchObject({ type: 5 });
    expect(callback!.at).toBeLessThan(edit.at);

    const expected = await app.brief({ topic: 'china-dprk' });
    if (!expected.ok) throw new Error('the sample corpus should brief china-dprk');
    const sourceUrls = new Set(expected.value.sources.map((source) => source.url));
    const body = bodyOf(edit);
    const links = linkTargets(shownText(body));
    expect(links.length).toBeGreaterThan(expected.value.points.length);
    expect(links.filter((link) => !sourceUrls.has(link))).toEqual([]);
    expect(embedsOf(body)[0]).toMatchObject({ title: expect.stringMatching(/^China–DPRK relations: /), footer: { text: expect.stringMatching(/^offline extractive · as of \d{4}-\d{2}-\d{2}$/) } });
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const buttons = Array.isArray(body.components) && isJson(body.components[0]) ? body.components[0].components : [];
    expect(buttons).toMatchObject([{ custom_id: 'brief:sources', label: 'Sources' }, { custom_id: 'brief:follow-up', label: 'Ask a follow-up' }]);
  });

  test('suggests topics matching what was typed in the topic option', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.autocomplete('brief', { topic: 'dprk' });
    const callback = await double.waitForRequest(callbackFor(ix.token));
    expect(bodyOf(callback).type).toBe(8);
    expect(dataOf(callback).choices).toEqual([{ name: 'China–DPRK relations (china-dprk)', value: 'china-dprk' }]);
  });

  test('suggests no topics when nothing matches, and still answers', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.autocomplete('ask', { question: 'x', topic: 'zzz' }, { focused: 'topic' });
    const callback = await double.waitForRequest(callbackFor(ix.token));
    expect(dataOf(callback).choices).toEqual([]);
  });

  test('lists every source of the brief privately when Sources is pressed', async ({ connect }) => {
    const { double, bot, app } = await connect();
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    const message = await originalMessage(double, ix.token);

    const press = double.button('brief:sources', message);
    const callback = await double.waitForRequest(callbackFor(press.token));
    await bot.idle();
    expect(bodyOf(callback).type).toBe(4);
    expect(isEphemeral(bodyOf(callback))).toBe(true);
    const expected = await app.brief({ topic: 'china-dprk' });
    if (!expected.ok) throw new Error('the sample corpus should brief china-dprk');
    const shown = [callback, ...double.requests.filter(followUpOf(press.token))].map((req) => shownText(bodyOf(req))).join('\n');
    expect(new Set(linkTargets(shown))).toEqual(new Set(expected.value.sources.map((source) => source.url)));
  });

  test('still lists a brief\'s sources after the bot restarts', async ({ connect }) => {
    const first = await connect();
    const ix = first.double.chatInput('brief', { topic: 'china-dprk' });
    await first.double.waitForRequest(editOf(ix.token));
    await first.bot.idle();
    const message = await originalMessage(first.double, ix.token);
    await first.bot.stop();

    const second = await connect({ reuse: first.double });
    const press = second.double.button('brief:sources', message);
    const callback = await second.double.waitForRequest(callbackFor(press.token));
    await second.bot.idle();
    expect(isEphemeral(bodyOf(callback))).toBe(true);
    expect(linkTargets(shownText(bodyOf(callback))).length).toBeGreaterThan(0);
  });

  test('explains a bad date privately instead of posting a brief', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('brief', { topic: 'china-dprk', since: 'last tuesday' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(bodyOf(followUp)).toMatchObject({ content: 'since "last tuesday" is not a date: use YYYY-MM-DD or a number of days such as 7d.', flags: 64 });
    // The public "thinking…" placeholder is removed rather than left behind.
    expect(double.requests.some((req) => req.method === 'DELETE' && req.path.endsWith(`/${ix.token}/messages/@original`))).toBe(true);
  });

  test('explains an unknown topic privately, naming the known ones', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('brief', { topic: 'atlantis' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(bodyOf(followUp)).toMatchObject({ content: 'Unknown topic "atlantis". Known topics: china-dprk.', flags: 64 });
  });

  // Discord drops an interaction not answered within 3 s: that is the contract checked here. How fast we
  // are inside it is a figure for the bench, not a bound for a test on a shared machine.
  test('acknowledges each of 20 /brief runs inside Discord\'s 3-second window (INTERACTION_CREATE to callback)', async ({ connect }) => {
    const { double } = await connect();
    for (let run = 0; run < 20; run++) {
      const ix = double.chatInput('brief', { topic: 'china-dprk' }, { userId: `3000000000000000${10 + run}` });
      await double.waitForRequest(editOf(ix.token), 10_000);
    }
    const latencies = double.ackLatencies();
    const [p50, p95, max] = [percentile(latencies, 0.5), percentile(latencies, 0.95), Math.max(...latencies)].map((ms) => ms.toFixed(1));
    console.info(`/brief ack latency over ${latencies.length} runs (ms): p50 ${p50}, p95 ${p95}, max ${max}; all: ${latencies.map((ms) => ms.toFixed(1)).join(' ')}`);
    expect(latencies).toHaveLength(20);
    expect(Math.max(...latencies)).toBeLessThan(3_000);
  });
});
