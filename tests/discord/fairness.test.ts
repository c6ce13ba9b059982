// Back-pressure and fairness through the real bot: one model queue (LLM_CONCURRENCY=1, LLM_QUEUE_MAX=3) in front
// of the loopback OpenAI double, whose scripted replies are slowed down so that requests have to wait.
import { describe, expect } from 'vitest';
import { metrics } from '../../src/ops/metrics.ts';
import type { DiscordDouble, RecordedRequest } from '../support/discord-double.ts';
import { reply, type OpenAiDouble } from '../support/openai-double.ts';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, followUpOf, isEphemeral, originalMessage, shownText, testWithModel } from './bot-fixture.ts';

const test = testWithModel
  .override({
    appEnv: [
      async ({ model }, use) =>
        use({
          OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseURL, BRIEF_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_SECONDS: '10',
          LLM_CONCURRENCY: '1', LLM_QUEUE_MAX: '3', LLM_CACHE_TTL_MINUTES: '0',
        }),
      { scope: 'file' },
    ],
  });

/** A careful model answer that takes `ms`: long enough for the next requests to queue behind it. */
const slowAnswers = (model: OpenAiDouble, count: number, ms: number) => model.script(...Array.from({ length: count }, () => reply.slow(ms, reply.carefulPlus())));

const member = (n: number) => `40000000000000${String(1000 + n)}`;
const isQueueNotice = (req: RecordedRequest) => /^Queued for the model — /.test(String(bodyOf(req).content ?? ''));
/** The edit that delivered the brief: the last PATCH of @original, carrying the embed. */
const delivered = (double: DiscordDouble, token: string) => double.requests.filter(editOf(token)).filter((req) => embedsOf(bodyOf(req)).length > 0).at(-1);
const waitDelivered = (double: DiscordDouble, token: string, timeoutMs = 15_000) =>
  double.waitForRequest((req) => editOf(token)(req) && embedsOf(bodyOf(req)).length > 0, timeoutMs);

const interactions = async (labels: { command: string; outcome: string }) =>
  (await metrics.interactions.get()).values.filter((v) => v.labels.command === labels.command && v.labels.outcome === labels.outcome).reduce((sum, v) => sum + v.value, 0);

describe('back-pressure and fairness over the real discord.js client', () => {
  test('tells members waiting for the model how many are ahead of them, then replaces that with the brief', async ({ connect, model }) => {
    const { double, bot } = await connect();
    slowAnswers(model, 4, 700);
    const runs = [0, 1, 2, 3].map((n) => double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(n) }));
    for (const ix of runs) await waitDelivered(double, ix.token);
    await bot.idle();

    const notices = runs.flatMap((ix) => double.requests.filter(editOf(ix.token)).filter(isQueueNotice).map((req) => String(bodyOf(req).content)));
    expect(notices).toContain('Queued for the model — 2 ahead of you.');
    expect(notices).toContain('Queued for the model — 1 ahead of you.');
    expect(notices.some((notice) => notice.includes('ahead'))).toBe(true);
    for (const ix of runs) {
      const edits = double.requests.filter(editOf(ix.token));
      const final = edits.at(-1)!;
      expect(final, 'the brief is the last edit, after any queue notice').toBe(delivered(double, ix.token));
      expect(bodyOf(final).content, 'the queue notice is cleared').toBe('');
      expect(embedsOf(bodyOf(final))[0]).toMatchObject({ footer: { text: expect.stringMatching(/^test-model · as of/) } });
    }
  });

  test('answers with the extractive brief and says the model is busy once LLM_QUEUE_MAX are waiting', async ({ connect, model }) => {
    const { double, bot } = await connect();
    const busyBefore = await interactions({ command: 'brief', outcome: 'busy' });
    slowAnswers(model, 4, 700); // one runs and three wait; the rest are turned away
    const runs = [0, 1, 2, 3, 4, 5].map((n) => double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(10 + n) }));
    for (const ix of runs) await waitDelivered(double, ix.token);
    await bot.idle();

    const shown = runs.map((ix) => shownText(bodyOf(delivered(double, ix.token)!)));
    const busy = shown.filter((text) => text.includes('The model is busy; this is the extractive brief.'));
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy.every((text) => text.includes('offline extractive · as of'))).toBe(true);
    expect(shown.filter((text) => text.includes('test-model · as of')).length).toBe(runs.length - busy.length);
    expect((await interactions({ command: 'brief', outcome: 'busy' })) - busyBefore).toBe(busy.length);
  });

  test('shows the queue position privately on a follow-up question, then says where the answer is', async ({ connect, model }) => {
    const harness = await connect();
    const { double, bot } = harness;
    const first = double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(70) });
    await waitDelivered(double, first.token);
    await bot.idle();
    const message = await originalMessage(double, first.token);

    slowAnswers(model, 1, 800);
    const chats = model.requests.length;
    const occupying = double.chatInput('brief', { topic: 'china-dprk', since: '2019-01-01', until: '2019-12-31' }, { userId: member(71) });
    while (model.requests.length === chats) await new Promise((done) => setTimeout(done, 10)); // the model is busy with it
    const ix = double.modalSubmit(`brief:follow-up-modal:${String(message.id)}`, { question: 'What did Wang Yi and Choe Son Hui agree on?' }, message, { userId: member(72) });
    const confirmation = await double.waitForRequest((req) => editOf(ix.token)(req) && String(bodyOf(req).content).startsWith('Answered in'), 15_000);
    await waitDelivered(double, occupying.token);
    await bot.idle();

    expect(isEphemeral(bodyOf(double.requests.find(callbackFor(ix.token))!))).toBe(true);
    const edits = double.requests.filter(editOf(ix.token)).map((req) => String(bodyOf(req).content));
    expect(edits[0]).toBe("Queued for the model — you're next.");
    expect(edits.at(-1)).toBe(bodyOf(confirmation).content);
  });

  test('takes a member who timed out out of the line, removes the queue notice and says why, privately', async ({ connect, model }) => {
    const patient = await connect();
    const hasty = await connect({ double: { guildId: '350000000000000005' }, config: { INTERACTION_TIMEOUT_SECONDS: 1 } });
    slowAnswers(model, 1, 2500);
    const chats = model.requests.length;
    const occupying = patient.double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(80) });
    while (model.requests.length === chats) await new Promise((done) => setTimeout(done, 10));
    const ix = hasty.double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(81) });
    const gaveUp = await hasty.double.waitForRequest(followUpOf(ix.token), 5000);
    await waitDelivered(patient.double, occupying.token);
    await Promise.all([patient.bot.idle(), hasty.bot.idle()]);

    expect(bodyOf(gaveUp)).toMatchObject({ content: `That took longer than 1 second, so I stopped (ref ${ix.id}). Try a shorter period or a narrower question.`, flags: 64 });
    const mine = hasty.double.requests.filter((req) => req.path.includes(`/${ix.token}`)).map((req) => `${req.method} ${editOf(ix.token)(req) ? String(bodyOf(req).content) : ''}`.trim());
    expect(mine).toEqual([
      'POST', // the deferral
      "PATCH Queued for the model — you're next.",
      'DELETE', // the public notice goes
      'POST', // the private explanation
    ]);
    expect(model.requests.length - chats, 'the member who left never reached the model').toBe(1);
  });

  test("lets servers take turns for the model: a second server's brief does not wait behind the first server's burst", async ({ connect, model }) => {
    const first = await connect({ double: { guildId: '310000000000000001' } });
    const second = await connect({ double: { guildId: '320000000000000002' } });
    // The burst's first brief holds the model until the other server has queued: under load, a timer
    // could run out first and let the burst's second brief start, leaving nothing for it to wait behind.
    let release = () => {};
    const earlierPrompts = model.chatPrompts().length; // the double serves the whole file
    model.script(reply.held(new Promise<void>((done) => (release = done)), reply.carefulPlus()), ...Array.from({ length: 3 }, () => reply.carefulPlus()));
    const burst = [0, 1, 2].map((n) => first.double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' }, { userId: member(20 + n) }));
    // The burst's third brief waits behind its second; only then does the other server ask.
    await first.double.waitForRequest((req) => editOf(burst[2]!.token)(req) && isQueueNotice(req));
    // Another period, so its prompt can be told apart from the burst's at the model.
    const other = second.double.chatInput('brief', { topic: 'china-dprk', since: '2019-01-01', until: '2019-12-31' }, { userId: member(30) });
    const otherNotice = await second.double.waitForRequest((req) => editOf(other.token)(req) && isQueueNotice(req));
    expect(bodyOf(otherNotice).content).toBe('Queued for the model — 1 ahead of you.');
    release();

    await waitDelivered(second.double, other.token);
    await waitDelivered(first.double, burst[2]!.token);
    await Promise.all([first.bot.idle(), second.bot.idle()]);
    // The model saw the burst's first two, then the other server's, then the burst's third: the order
    // the line gave them, whatever the order their messages were edited in afterwards.
    expect(model.chatPrompts().slice(earlierPrompts).map((prompt) => (prompt.includes('2019-01-01') ? 'other' : 'burst'))).toEqual(['burst', 'burst', 'other', 'burst']);
  });

  test('asks every member of a server over GUILD_COMMANDS_PER_MINUTE to wait, and lets another server through', async ({ connect }) => {
    const busyServer = await connect({ double: { guildId: '330000000000000003' }, config: { GUILD_COMMANDS_PER_MINUTE: 2 } });
    const quietServer = await connect({ double: { guildId: '340000000000000004' }, config: { GUILD_COMMANDS_PER_MINUTE: 2 } });
    const limitedBefore = await interactions({ command: 'help', outcome: 'rate_limited' });
    const runs = [0, 1, 2].map((n) => busyServer.double.chatInput('help', {}, { userId: member(40 + n) }));
    const elsewhere = quietServer.double.chatInput('help', {}, { userId: member(50) });
    for (const ix of runs) await busyServer.double.waitForRequest(callbackFor(ix.token));
    const elsewhereCallback = await quietServer.double.waitForRequest(callbackFor(elsewhere.token));
    await Promise.all([busyServer.bot.idle(), quietServer.bot.idle()]);

    const [, , refused] = runs.map((ix) => bodyOf(busyServer.double.requests.find(callbackFor(ix.token))!));
    expect(isEphemeral(refused!)).toBe(true);
    expect(String(dataOf(busyServer.double.requests.find(callbackFor(runs[2]!.token))!).content)).toMatch(
      /^This server has asked for 2 briefings in the last minute; try again in \d+ seconds?\.$/,
    );
    expect(String(dataOf(elsewhereCallback).content)).toMatch(/^I write dated briefs/);
    expect((await interactions({ command: 'help', outcome: 'rate_limited' })) - limitedBefore).toBe(1);
  });

  test('counts each interaction by command and outcome, with the time to its first response', async ({ connect }) => {
    const { double, bot } = await connect();
    const okBefore = await interactions({ command: 'help', outcome: 'ok' });
    const ackCount = async () => (await metrics.ackSeconds.get()).values.filter((v) => v.metricName === 'briefing_interaction_ack_seconds_count' && v.labels.command === 'help').reduce((sum, v) => sum + v.value, 0);
    const acksBefore = await ackCount();
    const ix = double.chatInput('help', {}, { userId: member(60) });
    await double.waitForRequest(callbackFor(ix.token));
    await bot.idle();
    expect((await interactions({ command: 'help', outcome: 'ok' })) - okBefore).toBe(1);
    expect((await ackCount()) - acksBefore).toBe(1);
  });
});
