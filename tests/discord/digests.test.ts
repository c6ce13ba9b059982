// Channel digests through the real bot and the loopback Discord double: /subscribe and friends, and the
// scheduler's deliveries with an injected clock (digests are due by it; retries never sleep).
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect } from 'vitest';
import type { App } from '../../src/app.ts';
import type { Cadence } from '../../src/digest/cadence.ts';
import { markerFor } from '../../src/digest/deliver.ts';
import { SUBSCRIPTION_VERSION, type Subscription } from '../../src/digest/subscription.ts';
import { isJson, type Json } from '../support/discord-double.ts';
import { bodyOf, callbackFor, dataOf, embedsOf, isEphemeral, shownText, test, type ConnectOptions, type Harness } from './bot-fixture.ts';

const MANAGER = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.ManageChannels);
const WEEKLY_MONDAY_8: Cadence = { kind: 'weekly', weekday: 'mon', time: '08:00' };
/** A Monday after the sample corpus's last articles (2026-04-09/10); 08:00 in New York is 12:00Z (EDT). */
const MONDAY_TICK = new Date('2026-04-13T12:00:00Z');
const WEEK_BEFORE = new Date('2026-04-06T12:00:00Z');

type Clock = { now: () => Date; sleep: (ms: number) => Promise<void>; set(iso: string | Date): void; slept: number[] };
function testClock(start: string | Date): Clock {
  let current = new Date(start);
  const slept: number[] = [];
  return {
    now: () => current,
    sleep: async (ms) => { slept.push(ms); current = new Date(current.getTime() + ms); },
    set: (at) => { current = new Date(at); },
    slept,
  };
}

function subscription(harness: Harness, channelId: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    version: SUBSCRIPTION_VERSION, id: `s${channelId.slice(-9)}`, guildId: harness.double.guildId, channelId, topic: 'china-dprk',
    cadence: WEEKLY_MONDAY_8, timezone: 'America/New_York', language: 'en', createdBy: '1000', createdAt: WEEK_BEFORE,
    cursor: WEEK_BEFORE, status: { state: 'active' }, ...overrides,
  };
}

const apps = new Set<App>();

/**
 * Starts a bot whose digest clock starts at `at` (default: just after the Monday tick), and lets its first
 * (automatic) check finish before the test adds subscriptions.
 */
async function scheduledBot(connect: (options?: ConnectOptions) => Promise<Harness>, at: string = '2026-04-13T12:30:00Z', options: ConnectOptions = {}): Promise<Harness & { clock: Clock }> {
  const clock = testClock(at);
  const harness = await connect({ ...options, bot: { clock, digestPollMs: 3_600_000 } });
  await harness.bot.checkDigests();
  apps.add(harness.app);
  return { ...harness, clock };
}
afterEach(async () => {
  // The file shares one app: each test's subscriptions go, so the next test's checks see only its own.
  for (const app of apps) for (const s of await app.subscriptions.all()) await app.subscriptions.remove(s.id);
});

const buttonIds = (message: Json): string[] =>
  (Array.isArray(message.components) ? message.components : []).filter(isJson).flatMap((row) => (Array.isArray(row.components) ? row.components.filter(isJson) : [])).map((c) => String(c.custom_id));

describe('/subscribe, /subscriptions and /unsubscribe', () => {
  test('subscribes this channel; the first digest covers the full period before its first run', async ({ connect }) => {
    const { double, app } = await connect();
    apps.add(app);
    const ix = double.chatInput('subscribe', { topic: 'china-dprk', cadence: 'daily', time: '08:00', timezone: 'Europe/London' }, { memberPermissions: MANAGER });
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(isEphemeral(bodyOf(reply))).toBe(true);
    expect(String(dataOf(reply).content)).toMatch(/^Subscribed: <#\d+> gets \*\*China–DPRK relations\*\* digests daily at 08:00 \(Europe\/London\)\. Next: <t:\d+:F>/);
    const [stored] = await app.subscriptions.forGuild(double.guildId);
    expect(stored).toMatchObject({ channelId: double.channelId, topic: 'china-dprk', cadence: { kind: 'daily', time: '08:00' }, timezone: 'Europe/London', status: { state: 'active' } });
    // The cursor is the last 08:00 in London before now: within a day, and at 08:00 local.
    const ageMs = Date.now() - stored!.cursor.getTime();
    expect(ageMs).toBeGreaterThan(0);
    expect(ageMs).toBeLessThanOrEqual(86_400_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(stored!.cursor)).toBe('08:00');

    const list = double.chatInput('subscriptions', {}, { memberPermissions: MANAGER });
    const listed = await double.waitForRequest(callbackFor(list.token));
    expect(shownText(bodyOf(listed))).toMatch(/china-dprk · daily at 08:00 \(Europe\/London\)[\s\S]*Active · next <t:\d+:F>/);
    expect(buttonIds(dataOf(listed))).toEqual([`digest-toggle:${stored!.id}`]);

    const stop = double.chatInput('unsubscribe', { subscription: stored!.id }, { memberPermissions: MANAGER });
    expect(String(dataOf(await double.waitForRequest(callbackFor(stop.token))).content)).toMatch(/^Stopped the \*\*china-dprk\*\* digests/);
    expect(await app.subscriptions.forGuild(double.guildId)).toEqual([]);
  });

  test('refuses members without Manage Channels, and names what the bot lacks in the target channel', async ({ connect }) => {
    const { double, app } = await connect();
    apps.add(app);
    const member = double.chatInput('subscribe', { topic: 'china-dprk', cadence: 'daily', time: '08:00', timezone: 'UTC' });
    expect(String(dataOf(await double.waitForRequest(callbackFor(member.token))).content)).toMatch(/Manage Channels/);

    const noEmbeds = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
    const ix = double.chatInput('subscribe', { topic: 'china-dprk', cadence: 'daily', time: '08:00', timezone: 'UTC' }, { memberPermissions: MANAGER, appPermissions: noEmbeds });
    expect(String(dataOf(await double.waitForRequest(callbackFor(ix.token))).content)).toMatch(/^I can't do that in <#\d+>: I'm missing the \*\*Embed Links\*\* permission/);

    const badTime = double.chatInput('subscribe', { topic: 'china-dprk', cadence: 'daily', time: '8am', timezone: 'UTC' }, { memberPermissions: MANAGER });
    expect(String(dataOf(await double.waitForRequest(callbackFor(badTime.token))).content)).toMatch(/HH:MM/);
    expect(await app.subscriptions.forGuild(double.guildId)).toEqual([]);
  });

  test('suggests timezones as they are typed', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.autocomplete('subscribe', { topic: 'china-dprk', cadence: 'daily', time: '08:00', timezone: 'new york' }, { focused: 'timezone' });
    const choices = dataOf(await double.waitForRequest(callbackFor(ix.token))).choices;
    expect(Array.isArray(choices) && choices.filter(isJson).map((c) => c.value)).toContain('America/New_York');
  });
});

describe('scheduled digests', () => {
  test('a due digest arrives once, cited, with its nonce, and moves the cursor', async ({ connect }) => {
    const harness = await scheduledBot(connect);
    const { double, bot, app } = harness;
    await app.subscriptions.put(subscription(harness, double.channelId));

    const report = await bot.checkDigests();
    expect(report).toMatchObject({ due: 1, compositions: 1, outcomes: { delivered: 1 } });
    expect(await bot.checkDigests()).toMatchObject({ due: 0 });
    const messages = double.channelMessages(double.channelId);
    expect(messages).toHaveLength(1);
    const create = double.requests.find((req) => req.method === 'POST' && req.path === `/channels/${double.channelId}/messages`)!;
    expect(bodyOf(create)).toMatchObject({ enforce_nonce: true, nonce: expect.any(String), allowed_mentions: { parse: [] } });
    const [embed] = embedsOf(messages[0]!);
    expect(embed?.title).toMatch(/^China–DPRK relations digest: 2026-04-06 to 2026-04-13$/);
    expect(shownText(messages[0]!)).toMatch(/Wang Yi/);
    const id = subscription(harness, double.channelId).id;
    expect(buttonIds(messages[0]!)).toEqual([markerFor(id, MONDAY_TICK)]);
    const stored = await app.subscriptions.get(id);
    expect(stored?.cursor.toISOString()).toBe(MONDAY_TICK.toISOString());
    expect(stored?.lastDelivery).toMatchObject({ messageId: String(messages[0]!.id), quiet: false });
  });

  test('1,000 channels sharing a topic and window cost one composition and get one message each', async ({ connect }) => {
    let compositions = 0;
    const harness = await scheduledBot(connect, undefined, {
      app: (app) => ({ ...app, digest: (input) => { compositions++; return app.digest(input); } }),
    });
    const { double, bot, app } = harness;
    const channels = [double.channelId, ...Array.from({ length: 999 }, () => double.addChannel())];
    await double.waitForRequest(() => true, 100).catch(() => undefined);
    for (const channelId of channels) await app.subscriptions.put(subscription(harness, channelId));

    const started = performance.now();
    const report = await bot.checkDigests();
    const seconds = (performance.now() - started) / 1000;
    const delivered = channels.filter((channelId) => double.channelMessages(channelId).length === 1).length;
    console.log(`fan-out: ${channels.length} channels, ${compositions} composition(s), ${double.channelMessages().length} messages, ${delivered} channels with exactly one, ${seconds.toFixed(1)} s`);
    expect(compositions).toBe(1);
    expect(report).toMatchObject({ due: 1000, compositions: 1, outcomes: { delivered: 1000 } });
    expect(delivered).toBe(1000);
    expect(double.channelMessages()).toHaveLength(1000);
  }, 120_000);

  test('a channel answering Missing Permissions pauses only its subscription, with the reason shown', async ({ connect }) => {
    const harness = await scheduledBot(connect);
    const { double, bot, app } = harness;
    const [a, b, c] = [double.channelId, double.addChannel(), double.addChannel()];
    for (const channelId of [a, b, c]) await app.subscriptions.put(subscription(harness, channelId));
    double.failChannel(b, 'missing-permissions');

    expect(await bot.checkDigests()).toMatchObject({ outcomes: { delivered: 2, paused: 1 } });
    expect([a, b, c].map((channelId) => double.channelMessages(channelId).length)).toEqual([1, 0, 1]);
    const paused = await app.subscriptions.get(subscription(harness, b).id);
    expect(paused?.status).toMatchObject({ state: 'paused', by: 'discord', reason: expect.stringMatching(/Missing Permissions/) });
    expect(paused?.cursor.toISOString()).toBe(WEEK_BEFORE.toISOString());
    expect((await app.subscriptions.get(subscription(harness, a).id))?.status.state).toBe('active');

    const list = double.chatInput('subscriptions', {}, { memberPermissions: MANAGER });
    expect(shownText(bodyOf(await double.waitForRequest(callbackFor(list.token))))).toMatch(/\*\*Paused\*\* since <t:\d+:F> \(<t:\d+:R>\): I.m missing a permission/);
    expect(await bot.checkDigests()).toMatchObject({ due: 0 });
  });

  test('429s and 5xx are retried until the message goes through, once', async ({ connect }) => {
    const harness = await scheduledBot(connect);
    const { double, bot, app } = harness;
    const [limited, failing] = [double.channelId, double.addChannel()];
    for (const channelId of [limited, failing]) await app.subscriptions.put(subscription(harness, channelId));
    double.flakyChannel(limited, { status: 429, times: 2 });
    double.flakyChannel(failing, { status: 502, times: 6 }); // more than discord.js's own 3 retries: the scheduler backs off and tries again

    expect(await bot.checkDigests()).toMatchObject({ outcomes: { delivered: 2 } });
    expect(double.channelMessages(limited)).toHaveLength(1);
    expect(double.channelMessages(failing)).toHaveLength(1);
    expect(harness.clock.slept.length).toBeGreaterThan(0);
  });

  test('a digest Discord created before a crash is found in the channel and recorded, not sent again', async ({ connect }) => {
    const harness = await scheduledBot(connect);
    const { double, bot, app } = harness;
    const sub = subscription(harness, double.channelId);
    await app.subscriptions.put(sub);
    // What a process killed between send and confirm leaves: a "sending" record, and the message in the channel.
    await app.deliveries.set(sub.id, MONDAY_TICK, { state: 'sending', nonce: 'n', startedAt: harness.clock.now() });
    const marker = markerFor(sub.id, MONDAY_TICK);
    const sent = await bot.client.rest.post(`/channels/${double.channelId}/messages`, {
      body: { content: 'digest', allowed_mentions: { parse: [] }, components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Pause these digests', custom_id: marker }] }] },
    }) as { id: string };

    expect(await bot.checkDigests()).toMatchObject({ outcomes: { recovered: 1 } });
    expect(double.channelMessages(double.channelId)).toHaveLength(1);
    expect((await app.subscriptions.get(sub.id))?.lastDelivery?.messageId).toBe(sent.id);
  });

  test.for([
    ['America/New_York', 'spring forward', '2026-03-07T13:00:00Z', '2026-03-08T11:59:00Z', '2026-03-08T12:00:00Z'],
    ['America/New_York', 'fall back', '2026-10-31T12:00:00Z', '2026-11-01T12:59:00Z', '2026-11-01T13:00:00Z'],
    ['Europe/London', 'spring forward', '2026-03-28T08:00:00Z', '2026-03-29T06:59:00Z', '2026-03-29T07:00:00Z'],
    ['Europe/London', 'fall back', '2026-10-24T07:00:00Z', '2026-10-25T07:59:00Z', '2026-10-25T08:00:00Z'],
  ] as const)('a daily 08:00 digest in %s fires at 08:00 local across %s', async ([timezone, , cursor, before, at], { connect }) => {
    const harness = await scheduledBot(connect, before);
    const { double, bot, app, clock } = harness;
    await app.subscriptions.put(subscription(harness, double.channelId, { cadence: { kind: 'daily', time: '08:00' }, timezone, cursor: new Date(cursor) }));
    expect(await bot.checkDigests()).toMatchObject({ due: 0 });
    clock.set(at);
    expect(await bot.checkDigests()).toMatchObject({ due: 1, outcomes: { delivered: 1 } });
    const [message] = double.channelMessages(double.channelId);
    // The sample corpus has nothing that day: the one-line quiet digest (DIGEST_QUIET=post).
    expect(String(message?.content)).toMatch(/^No new reporting on China–DPRK relations between/);
    expect((await app.subscriptions.get(subscription(harness, double.channelId).id))?.cursor.toISOString()).toBe(new Date(at).toISOString());
  });

  test('Pause on a digest stops it; Resume on /subscriptions starts again from the latest period', async ({ connect }) => {
    const harness = await scheduledBot(connect);
    const { double, bot, app } = harness;
    const sub = subscription(harness, double.channelId);
    await app.subscriptions.put(sub);
    await bot.checkDigests();
    const [message] = double.channelMessages(double.channelId);

    const member = double.button(markerFor(sub.id, MONDAY_TICK), message);
    expect(String(dataOf(await double.waitForRequest(callbackFor(member.token))).content)).toMatch(/Manage Channels/);
    const press = double.button(markerFor(sub.id, MONDAY_TICK), message, { memberPermissions: MANAGER });
    expect(String(dataOf(await double.waitForRequest(callbackFor(press.token))).content)).toMatch(/^Paused the \*\*china-dprk\*\* digests/);
    expect((await app.subscriptions.get(sub.id))?.status).toMatchObject({ state: 'paused', by: expect.any(String) });

    const resume = double.button(`digest-toggle:${sub.id}`, {}, { memberPermissions: MANAGER });
    expect(String(dataOf(await double.waitForRequest(callbackFor(resume.token))).content)).toMatch(/^Resumed/);
    expect((await app.subscriptions.get(sub.id))?.status.state).toBe('active');
  });
});
