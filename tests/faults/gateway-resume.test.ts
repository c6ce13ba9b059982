// The gateway drops mid-run: the client must get its session back (RESUME after 4000/4009, a new IDENTIFY
// after 1000) and go on answering. Interaction replies travel over REST (webhooks), so a /brief already
// acknowledged keeps being answered while the gateway is down. See discord-test-double.md §3 for the codes.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Events } from 'discord.js';
import { describe, expect } from 'vitest';
import type { App } from '../../src/app.ts';
import { isJson, type DiscordDouble } from '../support/discord-double.ts';
import { bodyOf, callbackFor, editOf, embedsOf, test } from '../discord/bot-fixture.ts';

const OP_IDENTIFY = 2;
const OP_RESUME = 6;
const opsAfter = (double: DiscordDouble, from: number) =>
  double.gatewayIn.slice(from).flatMap((frame) => (isJson(frame) && typeof frame.op === 'number' ? [frame.op] : []));

/** The brief as the member sees it once the deferred reply is edited: one embed, its title and footer. */
async function briefShown(double: DiscordDouble, token: string) {
  const edit = await double.waitForRequest((req) => editOf(token)(req) && req.status === 200, 10_000);
  const [embed] = embedsOf(bodyOf(edit));
  return { at: edit.at, title: embed?.title, footer: isJson(embed?.footer) ? embed.footer.text : undefined };
}

/** A promise that resolves when `open()` is called. */
function gate() {
  let open = (): void => undefined;
  const opened = new Promise<void>((done) => { open = done; });
  return { opened, open: () => open() };
}

const EXPECTED_BRIEF = {
  title: expect.stringMatching(/^China–DPRK relations: \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/),
  footer: expect.stringMatching(/^offline extractive · as of \d{4}-\d{2}-\d{2}$/),
};

describe('the gateway closes mid-run', () => {
  test.for([4000, 4009])('GIVEN a close with %i THEN the client resumes its session AND answers a /brief sent afterwards', async (code, { connect }) => {
    const { double, bot } = await connect();
    const seen = double.gatewayIn.length;
    const resumed = once(bot.client, Events.ShardResume);
    double.closeGateway(code, 'test: dropped');
    await resumed;
    expect(opsAfter(double, seen)).toContain(OP_RESUME);
    expect(opsAfter(double, seen)).not.toContain(OP_IDENTIFY);

    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    expect(await briefShown(double, ix.token)).toMatchObject(EXPECTED_BRIEF);
    await bot.idle();
  });

  test('GIVEN a close with 1000 THEN the client identifies a new session AND answers a /brief sent afterwards', async ({ connect }) => {
    // Without the no-op throttler a second IDENTIFY waits out 5–6 s (discord-test-double.md §3).
    const { double, bot } = await connect({ client: { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) } } });
    const seen = double.gatewayIn.length;
    const ready = once(bot.client, Events.ShardReady);
    double.closeGateway(1000, 'test: new session');
    await ready;
    expect(opsAfter(double, seen)).toContain(OP_IDENTIFY);

    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    expect(await briefShown(double, ix.token)).toMatchObject(EXPECTED_BRIEF);
    await bot.idle();
  });

  test('GIVEN a /brief acknowledged just before a close THEN it is still answered over REST while the gateway reconnects', async ({ connect }) => {
    // The brief is held until the gateway is down, so its edit is sent during the ~0.5 s before the RESUME.
    const hold = gate();
    const { double, bot } = await connect({ app: (app): App => ({ ...app, brief: async (input) => { await hold.opened; return app.brief(input); } }) });
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    await double.waitForRequest(callbackFor(ix.token));

    const resumed = once(bot.client, Events.ShardResume).then(() => performance.now());
    const closedAt = performance.now();
    double.closeGateway(4000, 'test: dropped mid-answer');
    hold.open();
    const shown = await briefShown(double, ix.token);
    expect(shown).toMatchObject(EXPECTED_BRIEF);
    expect(shown.at).toBeGreaterThan(closedAt);
    expect(shown.at).toBeLessThan(await resumed);
    await bot.idle();

    // And the resumed session takes new commands.
    const next = double.chatInput('brief', { topic: 'china-dprk' });
    expect(await briefShown(double, next.token)).toMatchObject(EXPECTED_BRIEF);
    await bot.idle();
  });
});
