import { describe, expect } from 'vitest';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, isEphemeral, linkTargets, shownText, test } from './bot-fixture.ts';

describe('/ask, /sources and /help over the real discord.js client', () => {
  test('answers /ask with cited points whose links are all source URLs', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('ask', { question: 'When did Xi visit Pyongyang?' });
    const edit = await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    expect(bodyOf(double.requests.find(callbackFor(ix.token))!).type).toBe(5);
    const [embed] = embedsOf(bodyOf(edit));
    expect(embed).toMatchObject({ title: 'Q: When did Xi visit Pyongyang?', footer: { text: expect.stringMatching(/^offline extractive/) } });
    const links = linkTargets(shownText(bodyOf(edit)));
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((link) => link.startsWith('https://example.com/briefing-bot-samples/'))).toBe(true);
  });

  test('says "not found in the sources" when no article answers the question', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('ask', { question: 'zebra quantum volleyball' });
    const edit = await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    const [embed] = embedsOf(bodyOf(edit));
    expect(embed?.description).toMatch(/not found in the sources/i);
    expect(embed?.fields).toBeUndefined();
  });

  test('lists the outlets with article counts and newest dates on /sources, privately', async ({ connect }) => {
    const { double, bot, app } = await connect();
    const ix = double.chatInput('sources');
    const edit = await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    expect(isEphemeral(bodyOf(double.requests.find(callbackFor(ix.token))!))).toBe(true);
    const overview = await app.sources();
    const text = shownText(bodyOf(edit));
    for (const outlet of overview.outlets.slice(0, 3)) expect(text).toContain(`— ${outlet.articles} article${outlet.articles === 1 ? '' : 's'}, newest ${outlet.newest}`);
    expect(text).toContain(`${overview.articles} articles from ${overview.outlets.length} outlets`);
  });

  test('describes the bot and every command on /help, privately', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('help');
    const callback = await double.waitForRequest(callbackFor(ix.token));
    await bot.idle();
    expect(bodyOf(callback).type).toBe(4);
    expect(isEphemeral(bodyOf(callback))).toBe(true);
    const content = String(dataOf(callback).content);
    expect(content).toContain('`/brief topic:<topic> [since] [until] [focus]`');
    expect(content).toContain('`/ask question:<question> [topic]`');
    expect(content).toContain('`/sources`');
    expect(content).toContain('`/help`');
  });
});
