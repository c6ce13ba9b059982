import { PermissionFlagsBits } from 'discord.js';
import { describe, expect } from 'vitest';
import type { App } from '../../src/app.ts';
import type { RecordedRequest } from '../support/discord-double.ts';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, followUpOf, originalMessage, test } from './bot-fixture.ts';

const anyOriginalEdit = (req: RecordedRequest) => req.method === 'PATCH' && req.path.endsWith('/messages/@original');
const without = (...flags: bigint[]) =>
  String(
    [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads]
      .filter((flag) => !flags.includes(flag))
      .reduce((all, flag) => all | flag, 0n),
  );

describe('failures over the real discord.js client', () => {
  test('tells the member which permission the bot lacks instead of posting a brief without embeds', async ({ connect }) => {
    let briefs = 0;
    const { double, bot } = await connect({ app: (app): App => ({ ...app, brief: (input) => { briefs++; return app.brief(input); } }) });
    const ix = double.chatInput('brief', { topic: 'china-dprk' }, { appPermissions: without(PermissionFlagsBits.EmbedLinks) });
    const callback = await double.waitForRequest(callbackFor(ix.token));
    await bot.idle();
    expect(bodyOf(callback)).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(dataOf(callback).content).toBe(
      "I can't do that in this channel: I'm missing the **Embed Links** permission here. Ask a server admin to grant it to my role or in this channel's settings.",
    );
    expect(briefs).toBe(0);
  });

  test('names every missing thread permission before opening the follow-up form', async ({ connect }) => {
    const { double, bot } = await connect();
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    const message = await originalMessage(double, ix.token);
    const press = double.button('brief:follow-up', message, { appPermissions: without(PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads) });
    const callback = await double.waitForRequest(callbackFor(press.token));
    await bot.idle();
    expect(bodyOf(callback).type).toBe(4);
    expect(dataOf(callback).content).toMatch(/missing the \*\*Create Public Threads\*\* and \*\*Send Messages in Threads\*\* permissions/);
  });

  test('waits out a 429 with Retry-After on the edit and then delivers the brief', async ({ connect }) => {
    const { double, bot } = await connect();
    double.addFault(anyOriginalEdit, 429, { headers: { 'Retry-After': '0.3' }, body: { message: 'You are being rate limited.', retry_after: 0.3, global: false } });
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const delivered = await double.waitForRequest((req) => editOf(ix.token)(req) && req.status === 200);
    await bot.idle();
    const edits = double.requests.filter(editOf(ix.token));
    expect(edits.map((req) => req.status)).toEqual([429, 200]);
    expect(delivered.at - edits[0]!.at).toBeGreaterThanOrEqual(300);
    expect(embedsOf(bodyOf(delivered))).toHaveLength(1);
  });

  test('still tells the member, with a reference id, when Discord answers 500 to the edit', async ({ connect }) => {
    const { double, bot } = await connect({ client: { rest: { retries: 0 } } });
    double.addFault(anyOriginalEdit, 500);
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(double.requests.filter(editOf(ix.token)).map((req) => req.status)).toEqual([500]);
    expect(bodyOf(followUp)).toMatchObject({ content: `Something broke on our side (ref ${ix.id}). Please try again shortly.`, flags: 64 });
  });

  test('tells the member, with a reference id, when the app throws', async ({ connect }) => {
    const { double, bot } = await connect({ app: (app): App => ({ ...app, brief: () => Promise.reject(new Error('store unreachable')) }) });
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(bodyOf(followUp)).toMatchObject({ content: `Something broke on our side (ref ${ix.id}). Please try again shortly.`, flags: 64 });
  });

  test('tells the member privately that storage is unavailable when the store cannot be reached, and nothing else', async ({ connect }) => {
    class ClientOfflineError extends Error {} // the class node-redis throws while it reconnects
    const { double, bot } = await connect({ app: (app): App => ({ ...app, brief: () => Promise.reject(new ClientOfflineError('The client is offline')) }) });
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(bodyOf(followUp)).toMatchObject({ content: "Storage is unavailable right now, so I can't answer. Nothing was lost; try again in a minute.", flags: 64 });
    expect(double.requests.some((req) => req.method === 'DELETE' && req.path.endsWith(`/${ix.token}/messages/@original`))).toBe(true);
  });

  test('asks a member over USER_COMMANDS_PER_MINUTE to wait, and lets another member through', async ({ connect }) => {
    const { double, bot } = await connect({ config: { USER_COMMANDS_PER_MINUTE: 2 } });
    const runs = [1, 2, 3].map(() => double.chatInput('help', {}, { userId: '400000000000000001' }));
    const other = double.chatInput('help', {}, { userId: '400000000000000002' });
    for (const ix of [...runs, other]) await double.waitForRequest(callbackFor(ix.token));
    await bot.idle();
    const contents = [...runs, other].map((ix) => String(dataOf(double.requests.find(callbackFor(ix.token))!).content));
    expect(contents[2]).toMatch(/^You're asking faster than I can answer well\. Try again in \d+ seconds?\.$/);
    expect(contents.filter((content) => content.startsWith('I write dated briefs'))).toHaveLength(3);
  });

  test('gives up after INTERACTION_TIMEOUT_SECONDS, says so, and posts nothing when the work ends later', async ({ connect }) => {
    let release = () => {};
    const gate = new Promise<void>((done) => { release = done; });
    const { double, bot } = await connect({
      config: { INTERACTION_TIMEOUT_SECONDS: 0.3 },
      app: (app): App => ({ ...app, brief: async (input) => { await gate; return app.brief(input); } }),
    });
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const followUp = await double.waitForRequest(followUpOf(ix.token));
    await bot.idle();
    expect(bodyOf(followUp)).toMatchObject({ content: `That took longer than 1 second, so I stopped (ref ${ix.id}). Try a shorter period or a narrower question.`, flags: 64 });
    release();
    await new Promise((done) => setTimeout(done, 100));
    expect(double.requests.filter(editOf(ix.token))).toEqual([]);
  });
});
