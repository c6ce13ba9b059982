import { describe, expect } from 'vitest';
import type { AskInput } from '../../src/briefing.ts';
import type { App } from '../../src/app.ts';
import type { DiscordDouble, Json } from '../support/discord-double.ts';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, isEphemeral, originalMessage, shownText, test, type Harness } from './bot-fixture.ts';

/** Records every `ask` the bot makes, then answers it with the real app. */
function recordingAsks(asks: AskInput[]) {
  return (app: App): App => ({ ...app, ask: (input) => { asks.push(input); return app.ask(input); } });
}

/** Posts a /brief and returns the message it became. */
async function postBrief({ double, bot }: Pick<Harness, 'double' | 'bot'>): Promise<Json> {
  const ix = double.chatInput('brief', { topic: 'china-dprk' });
  await double.waitForRequest(editOf(ix.token));
  await bot.idle();
  return originalMessage(double, ix.token);
}

const threadCreations = (double: DiscordDouble, messageId: string) =>
  double.requests.filter((req) => req.method === 'POST' && req.path === `/channels/${double.channelId}/messages/${messageId}/threads`);
const postsIn = (double: DiscordDouble, channelId: string) => double.requests.filter((req) => req.method === 'POST' && req.path === `/channels/${channelId}/messages`);

/** Submits the follow-up form on `message` and waits until the bot confirmed it privately. */
async function submitFollowUp({ double, bot }: Pick<Harness, 'double' | 'bot'>, message: Json, question: string, extras = {}) {
  const ix = double.modalSubmit(`brief:follow-up-modal:${String(message.id)}`, { question }, message, extras);
  const confirmation = await double.waitForRequest(editOf(ix.token));
  await bot.idle();
  return { ix, confirmation };
}

describe('follow-up questions over the real discord.js client', () => {
  test('opens a question form when "Ask a follow-up" is pressed under a brief', async ({ connect }) => {
    const harness = await connect();
    const message = await postBrief(harness);
    const press = harness.double.button('brief:follow-up', message);
    const callback = await harness.double.waitForRequest(callbackFor(press.token));
    expect(bodyOf(callback).type).toBe(9);
    expect(dataOf(callback)).toMatchObject({ custom_id: `brief:follow-up-modal:${String(message.id)}`, title: 'Ask a follow-up' });
    expect(JSON.stringify(dataOf(callback).components)).toContain('"custom_id":"question"');
  });

  test('starts a public thread on the brief and answers the question there, with the brief as context', async ({ connect }) => {
    const asks: AskInput[] = [];
    const harness = await connect({ app: recordingAsks(asks) });
    const { double } = harness;
    const message = await postBrief(harness);
    const { ix, confirmation } = await submitFollowUp(harness, message, 'What did Wang Yi and Choe Son Hui agree on?');

    const deferral = double.requests.find(callbackFor(ix.token))!;
    expect(bodyOf(deferral).type).toBe(5);
    expect(isEphemeral(bodyOf(deferral))).toBe(true);
    expect(threadCreations(double, String(message.id))).toHaveLength(1);
    const threadId = String(message.id); // a thread started on a message takes the message's id
    const [answer] = postsIn(double, threadId);
    expect(embedsOf(bodyOf(answer!))[0]).toMatchObject({ title: 'Q: What did Wang Yi and Choe Son Hui agree on?' });
    expect(shownText(bodyOf(answer!))).toMatch(/Wang Yi/);
    expect(bodyOf(confirmation).content).toBe(`Answered in <#${threadId}>.`);
    expect(asks).toMatchObject([{ question: 'What did Wang Yi and Choe Son Hui agree on?', topic: 'china-dprk', context: expect.stringMatching(/^China–DPRK relations: /) }]);
  });

  test('reuses the thread for a second follow-up and passes the earlier question and answer as context', async ({ connect }) => {
    const asks: AskInput[] = [];
    const harness = await connect({ app: recordingAsks(asks) });
    const message = await postBrief(harness);
    await submitFollowUp(harness, message, 'What did Wang Yi and Choe Son Hui agree on?');
    await submitFollowUp(harness, message, 'And when did passenger trains resume?');

    expect(threadCreations(harness.double, String(message.id))).toHaveLength(1);
    expect(postsIn(harness.double, String(message.id))).toHaveLength(2);
    expect(asks[1]?.context).toContain('What did Wang Yi and Choe Son Hui agree on?');
    expect(asks[1]?.context).toMatch(/strategic communication/); // the first answer's text
  });

  test('answers /ask inside its follow-up thread with that thread\'s conversation and the brief\'s topic', async ({ connect }) => {
    const asks: AskInput[] = [];
    const harness = await connect({ app: recordingAsks(asks) });
    const message = await postBrief(harness);
    await submitFollowUp(harness, message, 'What did Wang Yi and Choe Son Hui agree on?');

    const ix = harness.double.chatInput('ask', { question: 'Did trade grow last year?' }, { channelId: String(message.id) });
    const edit = await harness.double.waitForRequest(editOf(ix.token));
    await harness.bot.idle();
    expect(embedsOf(bodyOf(edit))[0]).toMatchObject({ title: 'Q: Did trade grow last year?' });
    expect(asks[1]).toMatchObject({ question: 'Did trade grow last year?', topic: 'china-dprk', context: expect.stringContaining('What did Wang Yi and Choe Son Hui agree on?') });

    // The /ask turn joins the conversation too.
    await submitFollowUp(harness, message, 'What about sanctions?');
    expect(asks[2]?.context).toContain('Did trade grow last year?');
  });

  test('answers a follow-up form sent from inside the thread in that same thread', async ({ connect }) => {
    const asks: AskInput[] = [];
    const harness = await connect({ app: recordingAsks(asks) });
    const message = await postBrief(harness);
    await submitFollowUp(harness, message, 'What did Wang Yi and Choe Son Hui agree on?');
    const threadId = String(message.id);
    // The button under an answer in the thread: the form arrives with the thread as its channel.
    const { confirmation } = await submitFollowUp(harness, { ...message, channel_id: threadId }, 'Who else visited?', { channelId: threadId });

    expect(threadCreations(harness.double, threadId)).toHaveLength(1);
    expect(postsIn(harness.double, threadId)).toHaveLength(2);
    expect(bodyOf(confirmation).content).toBe(`Answered in <#${threadId}>.`);
    expect(asks[1]?.context).toContain('What did Wang Yi and Choe Son Hui agree on?');
  });
});
