// Proves the Discord double against the real discord.js Client and a tiny inline bot.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, DiscordAPIError, Events, GatewayIntentBits, HTTPError, MessageFlags, RateLimitError, Routes, TextChannel } from 'discord.js';
import type { ClientOptions, Interaction, RateLimitData } from 'discord.js';
import { test as base, describe, expect, vi } from 'vitest';
import { DiscordDouble, isJson, shardOf } from './discord-double.ts';
import type { DoubleOptions, Json, RecordedRequest } from './discord-double.ts';

const TOKEN = 'TEST.TOKEN.fake';
const quiet = { parse: [] }; // the project rule the double enforces: bot output never pings

// Just enough bot to make discord.js send each kind of request.
async function handle(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused();
    await interaction.respond(['china-dprk', 'china-taiwan', 'sahel'].filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })));
  } else if (interaction.isChatInputCommand() && interaction.commandName === 'brief') {
    await interaction.deferReply();
    const topic = interaction.options.getString('topic', true);
    await interaction.editReply({ embeds: [{ title: `Briefing: ${topic}`, description: 'Nothing happened [1].' }], allowedMentions: quiet });
  } else if (interaction.isChatInputCommand() && interaction.commandName === 'where') {
    await interaction.reply({ content: `thread=${String(interaction.channel?.isThread())}`, allowedMentions: quiet });
  } else if (interaction.isChatInputCommand() && interaction.commandName === 'careless') {
    await interaction.reply({ content: 'hello @everyone' }); // no allowedMentions: the double must flag it
  } else if (interaction.isChatInputCommand() && interaction.commandName === 'huge') {
    await interaction.reply({ embeds: [{ title: 'x'.repeat(300) }], allowedMentions: quiet }); // raw objects skip builder validation
  } else if (interaction.isChatInputCommand() && interaction.commandName === 'export') {
    await interaction.reply({ content: 'Exporting…', allowedMentions: quiet });
    const file = { attachment: Buffer.from('{"claims":[]}'), name: 'brief.json' };
    await interaction.followUp({ content: 'Here it is.', files: [file], allowedMentions: quiet });
  } else if (interaction.isButton()) {
    await interaction.reply({ content: `more on ${interaction.customId}`, flags: MessageFlags.Ephemeral, allowedMentions: quiet });
  } else if (interaction.isModalSubmit()) {
    const comment = interaction.fields.getTextInputValue('comment');
    await interaction.reply({ content: `thanks: ${comment}`, flags: MessageFlags.Ephemeral, allowedMentions: quiet });
  }
}

interface Harness { double: DiscordDouble; client: Client; errors: unknown[]; interactions: Interaction[] }
type Connect = (options?: { double?: DoubleOptions; reuse?: DiscordDouble; client?: Partial<ClientOptions>; token?: string }) => Promise<Harness>;

const test = base.extend<{ connect: Connect }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
  connect: async ({}, use) => {
    const started: Harness[] = [];
    await use(async (options = {}) => {
      const double = options.reuse ?? (await DiscordDouble.start(options.double));
      const { rest, ...more } = options.client ?? {};
      const client = new Client({ intents: [GatewayIntentBits.Guilds], waitGuildTimeout: 1000, ...more, rest: { api: double.apiBase, ...rest } });
      const harness: Harness = { double, client, errors: [], interactions: [] };
      started.push(harness);
      client.on(Events.Error, (err) => harness.errors.push(err));
      // A rejected async listener goes nowhere, so surface handler failures as client errors.
      client.on(Events.InteractionCreate, (interaction) => {
        harness.interactions.push(interaction);
        void handle(interaction).catch((err: unknown) => client.emit(Events.Error, err as Error));
      });
      const ready = once(client, Events.ClientReady);
      await client.login(options.token ?? TOKEN);
      await ready;
      return harness;
    });
    // Clients first: destroying one after its double is gone makes the shard reconnect.
    for (const { client } of started) await client.destroy();
    const doubles = new Set(started.map((harness) => harness.double));
    for (const double of doubles) await double.stop();
    for (const double of doubles) expect(double.violations).toEqual([]);
  },
});

const bodyOf = (req: RecordedRequest) => (isJson(req.body) ? req.body : {});
const dataOf = (req: RecordedRequest) => { const data = bodyOf(req).data; return isJson(data) ? data : {}; };
const callbackFor = (token: string) => (req: RecordedRequest) => req.method === 'POST' && req.path.endsWith(`/${token}/callback`);

describe('Discord double', () => {
  test('lets the real client log in and caches the guild and channel before clientReady', async ({ connect }) => {
    const { double, client } = await connect();
    expect(client.user?.id).toBe(double.appId);
    expect(client.guilds.cache.get(double.guildId)?.members.me?.id).toBe(double.appId);
    expect(client.channels.cache.get(double.channelId)).toBeInstanceOf(TextChannel);
    expect(double.gatewayIn).toContainEqual(expect.objectContaining({ op: 2, d: expect.objectContaining({ token: TOKEN, intents: 1 }) }));
    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /gateway/bot']);
  });

  test('records a deferred chat input answered by editReply, with @original decoded', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    const edit = await double.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${double.appId}/${ix.token}/messages/@original`);
    const defer = await double.waitForRequest(callbackFor(ix.token));
    expect(bodyOf(defer)).toMatchObject({ type: 5 });
    expect(defer.headers.authorization).toBeUndefined(); // interaction routes are authorised by the token in the path
    expect(bodyOf(edit)).toMatchObject({ embeds: [{ title: 'Briefing: china-dprk' }], allowed_mentions: { parse: [] } });
    expect(edit.status).toBe(200);
    expect(double.ackLatencies()).toHaveLength(1);
    expect(double.ackLatencies()[0]).toBeGreaterThanOrEqual(0);
    expect(double.unacknowledged()).toEqual([]);
  });

  test('serves the edited reply back on GET @original', async ({ connect }) => {
    const { double, client } = await connect();
    const ix = double.chatInput('brief', [{ name: 'topic', type: 3, value: 'sahel' }]);
    await double.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    const fetched = await client.rest.get(`/webhooks/${double.appId}/${ix.token}/messages/@original`);
    expect(fetched).toMatchObject({ embeds: [{ title: 'Briefing: sahel' }], webhook_id: double.appId });
  });

  test('records autocomplete choices for the focused option', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.autocomplete('brief', { topic: 'china' });
    const respond = await double.waitForRequest(callbackFor(ix.token));
    expect(bodyOf(respond)).toMatchObject({ type: 8 });
    expect(dataOf(respond).choices).toEqual([{ name: 'china-dprk', value: 'china-dprk' }, { name: 'china-taiwan', value: 'china-taiwan' }]);
  });

  test('delivers a button click and records an ephemeral reply', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.button('more:sahel', { content: 'Briefing: sahel' });
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(bodyOf(reply)).toMatchObject({ type: 4, data: { content: 'more on more:sahel', flags: MessageFlags.Ephemeral } });
  });

  test('delivers modal fields to getTextInputValue', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.modalSubmit('feedback', { comment: 'too long' });
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(dataOf(reply)).toMatchObject({ content: 'thanks: too long' });
  });

  test('makes interaction.channel a thread when the interaction comes from one', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.chatInput('where', [], { channel: double.thread() });
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(dataOf(reply)).toMatchObject({ content: 'thread=true' });
  });

  test('starts a thread on a sent message and serves it on GET /channels/:id', async ({ connect }) => {
    const { double, client } = await connect();
    const channel = client.channels.cache.get(double.channelId);
    if (!(channel instanceof TextChannel)) throw new Error('test channel not cached');
    const message = await channel.send({ content: 'Daily digest', allowedMentions: quiet });
    const thread = await message.startThread({ name: 'Digest discussion' });
    expect(thread.id).toBe(message.id);
    expect(thread.parentId).toBe(double.channelId);
    const create = await double.waitForRequest((r) => r.path === `/channels/${double.channelId}/messages/${message.id}/threads`);
    expect(create.status).toBe(201);
    expect(bodyOf(create)).toMatchObject({ name: 'Digest discussion' });
    const fetched = await client.channels.fetch(thread.id, { force: true }); // the cache would answer otherwise
    expect(fetched?.isThread()).toBe(true);
  });

  test('answers a 429 with Retry-After, and discord.js waits and retries', async ({ connect }) => {
    const { double } = await connect();
    const body = { message: 'You are being rate limited.', retry_after: 0.2, global: false };
    double.addFault((r) => r.path.endsWith('/callback'), 429, { headers: { 'Retry-After': '0.2' }, body });
    const ix = double.chatInput('brief', { topic: 'sahel' });
    await double.waitForRequest((r) => r.method === 'PATCH' && r.status === 200);
    const callbacks = double.requests.filter(callbackFor(ix.token));
    expect(callbacks.map((r) => r.status)).toEqual([429, 204]);
    const [first, second] = callbacks;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(200);
    expect(double.faults).toEqual([]);
  });

  test('surfaces a 500 on editReply as an HTTPError when retries are off', async ({ connect }) => {
    const { double, client } = await connect({ client: { rest: { retries: 0 } } });
    double.addFault((r) => r.method === 'PATCH', 500);
    const failed = once(client, Events.Error);
    double.chatInput('brief', { topic: 'sahel' });
    const [err] = (await failed) as [unknown];
    expect(err).toBeInstanceOf(HTTPError);
    expect(err).toMatchObject({ status: 500, method: 'PATCH' });
    expect(double.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('flags a reply sent without allowed_mentions', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.chatInput('careless');
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(reply.status).toBe(204); // recorded, not rejected: it is our rule, not Discord's
    expect(double.violations).toEqual([expect.stringMatching(/callback \(type 4\): allowed_mentions\.parse must be \[\] \(got undefined\)/)]);
    double.violations.length = 0;
  });

  test('accepts a reply without allowedMentions when the Client sets them once', async ({ connect }) => {
    const { double } = await connect({ client: { allowedMentions: quiet } });
    const ix = double.chatInput('careless');
    const reply = await double.waitForRequest(callbackFor(ix.token));
    expect(dataOf(reply)).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  test('parses a multipart followUp into payload_json and files', async ({ connect }) => {
    const { double } = await connect();
    const ix = double.chatInput('export');
    const followUp = await double.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${double.appId}/${ix.token}`);
    expect(followUp.query.get('wait')).toBe('true');
    expect(bodyOf(followUp)).toMatchObject({ content: 'Here it is.', attachments: [{ id: '0' }], allowed_mentions: { parse: [] } });
    expect(followUp.files.map((f) => [f.field, f.name, f.bytes.toString()])).toEqual([['files[0]', 'brief.json', '{"claims":[]}']]);
  });

  test('rejects an embed title over 256 characters with 400 50035, as Discord does', async ({ connect }) => {
    const { double, client } = await connect();
    const failed = once(client, Events.Error);
    double.chatInput('huge');
    const [err] = (await failed) as [unknown];
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect(double.violations).toEqual([expect.stringContaining('embeds[0].title is 300 characters (max 256)')]);
    double.violations.length = 0;
  });

  // Raw REST calls skip discord.js's builders, so each limit reaches the double's checks.
  const row = (count: number, label = 'ok') => ({ type: 1, components: Array.from({ length: count }, (_, i) => ({ type: 2, style: 1, custom_id: `b${i}`, label })) });
  const field = { name: 'n', value: 'v' };
  test.for([
    ['content over 2000', 'message', { content: 'x'.repeat(2001) }, 'content is 2001 characters (max 2000)'],
    ['11 embeds', 'message', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, '11 embeds (max 10)'],
    ['26 fields', 'message', { embeds: [{ fields: Array.from({ length: 26 }, () => field) }] }, 'embeds[0] has 26 fields (max 25)'],
    ['field value over 1024', 'message', { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] }, 'embeds[0].fields[0].value is 1025 characters (max 1024)'],
    ['footer over 2048', 'message', { embeds: [{ footer: { text: 'f'.repeat(2049) } }] }, 'embeds[0].footer.text is 2049 characters (max 2048)'],
    ['author over 256', 'message', { embeds: [{ author: { name: 'a'.repeat(257) } }] }, 'embeds[0].author.name is 257 characters (max 256)'],
    ['6001 across embeds', 'message', { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] }, 'embeds total 6001 characters across the message (max 6000)'],
    ['6 rows', 'message', { components: Array.from({ length: 6 }, () => row(1)) }, '6 action rows (max 5)'],
    ['6 buttons in a row', 'message', { components: [row(6)] }, 'components[0] has 6 buttons (max 5)'],
    ['button label over 80', 'message', { components: [row(1, 'l'.repeat(81))] }, 'components[0].components[0].label is 81 characters (max 80)'],
    ['custom_id over 100', 'message', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'c'.repeat(101) }] }] }, 'components[0].components[0].custom_id is 101 characters (max 100)'],
    ['26 choices', 'callback', { type: 8, data: { choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) } }, '26 autocomplete choices (max 25)'],
    ['choice name over 100', 'callback', { type: 8, data: { choices: [{ name: 'n'.repeat(101), value: 'v' }] } }, 'choices[0].name is 101 characters (max 100)'],
    ['modal title over 45', 'callback', { type: 9, data: { custom_id: 'm', title: 't'.repeat(46), components: [] } }, 'title is 46 characters (max 45)'],
  ] as const)('rejects a payload with %s', async ([, kind, body, problem], { connect }) => {
    const { double, client } = await connect();
    const payload = kind === 'message' ? { allowed_mentions: quiet, ...body } : body;
    const ix = double.chatInput('noop'); // the bot ignores it; only its token is needed
    const route = kind === 'message' ? `/channels/${double.channelId}/messages` : `/interactions/${ix.id}/${ix.token}/callback`;
    const sent = client.rest.post(route as `/${string}`, { body: payload, auth: kind === 'message' });
    await expect(sent).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(double.violations).toEqual([`POST ${route}${kind === 'callback' ? ` (type ${body.type})` : ''}: ${problem}`]);
    double.violations.length = 0;
  });

  test('echoes registered guild commands with ids', async ({ connect }) => {
    const { double, client } = await connect();
    const body = [{ name: 'brief', description: 'Dated, cited summary' }];
    const saved = await client.rest.put(`/applications/${double.appId}/guilds/${double.guildId}/commands`, { body });
    expect(saved).toEqual([expect.objectContaining({ name: 'brief', id: expect.stringMatching(/^\d{17,19}$/), guild_id: double.guildId })]);
  });

  test('answers an unknown route with 404 and records it', async ({ connect }) => {
    const { double, client } = await connect();
    await expect(client.rest.get('/guilds/1/nothing-here')).rejects.toMatchObject({ status: 404, code: 0 });
    expect(double.unmatched.map((r) => r.path)).toEqual(['/guilds/1/nothing-here']);
  });

  test('resumes after the gateway closes with 4000 and keeps delivering interactions', async ({ connect }) => {
    const { double, client } = await connect();
    const resumed = once(client, Events.ShardResume);
    double.closeGateway(4000);
    await resumed; // ~0.5 s: discord.js waits before reconnecting
    expect(double.gatewayIn).toContainEqual(expect.objectContaining({ op: 6 }));
    const ix = double.chatInput('where');
    await double.waitForRequest(callbackFor(ix.token));
  });

  test('closes IDENTIFY with a wrong token with 4004, so login rejects', async () => {
    const double = await DiscordDouble.start({ token: 'right.token' });
    const client = new Client({ rest: { api: double.apiBase }, intents: [GatewayIntentBits.Guilds] });
    try {
      await expect(client.login('wrong.token')).rejects.toThrow(/Authentication failed/);
    } finally {
      await client.destroy();
      await double.stop();
    }
  });

  test('reports the requests it saw when waitForRequest times out', async ({ connect }) => {
    const { double } = await connect();
    await expect(double.waitForRequest((r) => r.method === 'DELETE', 50)).rejects.toThrow(/no match within 50 ms[\s\S]*0: GET \/gateway\/bot -> 200/);
  });
});

const textChannel = (client: Client, id: string): TextChannel => {
  const channel = client.channels.cache.get(id);
  if (!(channel instanceof TextChannel)) throw new Error(`channel ${id} is not a cached text channel`);
  return channel;
};
const createsIn = (channelId: string) => (req: RecordedRequest) => req.method === 'POST' && req.path === `/channels/${channelId}/messages`;
/** A raw create, as a digest posts it: `client.rest.post(Routes.channelMessages(id), { body })`. */
const post = (client: Client, channelId: string, body: Json) => client.rest.post(Routes.channelMessages(channelId), { body: { allowed_mentions: quiet, ...body } });
const jsonOf = (value: unknown): Json => (isJson(value) ? value : {});
const idOf = (value: unknown) => jsonOf(value).id;
const listOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isJson) : []);

describe('Discord double: guilds and channels', () => {
  test('keeps one guild with one channel by default', async ({ connect }) => {
    const { double, client } = await connect();
    expect(double.guildIds).toEqual([double.guildId]);
    expect(double.channelIds()).toEqual([double.channelId]);
    expect(client.guilds.cache.map((guild) => guild.id)).toEqual([double.guildId]);
  });

  test('delivers every guild with its text channels, and answers GET /channels/:id for each', async ({ connect }) => {
    const { double, client } = await connect({ double: { guilds: [{ channels: 3 }, { channels: ['300000000000000042'] }] } });
    const [first, second] = double.guildIds;
    expect(client.guilds.cache.map((guild) => guild.id).sort()).toEqual([first, second].sort());
    expect(double.channelIds(first)).toHaveLength(3);
    expect(double.channelIds(second)).toEqual(['300000000000000042']);
    for (const id of double.channelIds()) {
      expect(textChannel(client, id).guildId).toBe(double.guildIds.find((guild) => double.channelIds(guild).includes(id)));
      expect(textChannel(client, id).permissionOverwrites.cache.size).toBe(0);
    }
    const fetched = await client.channels.fetch('300000000000000042', { force: true });
    expect(fetched).toMatchObject({ id: '300000000000000042', guildId: second });
    await expect(client.channels.fetch('300000000000000099', { force: true })).rejects.toMatchObject({ status: 404, code: 10003 });
  });

  test('caches 1,000 text channels of one guild before clientReady', async ({ connect }) => {
    const { double, client } = await connect({ double: { guilds: [{ channels: 1000 }] } });
    expect(double.channelIds()).toHaveLength(1000);
    expect(client.channels.cache.filter((channel) => channel instanceof TextChannel).size).toBe(1000);
  });

  test('announces a channel added after login with CHANNEL_CREATE, so the client can send to it', async ({ connect }) => {
    const { double, client } = await connect();
    const created = once(client, Events.ChannelCreate);
    const id = double.addChannel();
    await created;
    await textChannel(client, id).send({ content: 'Daily digest', allowedMentions: quiet });
    expect(double.channelMessages(id)).toEqual([expect.objectContaining({ content: 'Daily digest', channel_id: id, guild_id: double.guildId })]);
    expect(() => double.addChannel('1')).toThrow(/unknown guild 1/);
  });
});

describe('Discord double: channel messages', () => {
  test('logs each created message per channel in order, with its nonce and a request timestamp', async ({ connect }) => {
    const { double, client } = await connect({ double: { guilds: [{ channels: 2 }] } });
    const [a = '', b = ''] = double.channelIds();
    await textChannel(client, a).send({ content: 'one', nonce: 'digest-1', allowedMentions: quiet });
    await post(client, b, { content: 'two', nonce: 42 });
    await post(client, a, { content: 'three' });
    expect(double.channelMessages(a).map((m) => [m.content, m.nonce])).toEqual([['one', 'digest-1'], ['three', undefined]]);
    expect(double.channelMessages(b).map((m) => [m.content, m.nonce])).toEqual([['two', 42]]);
    expect(double.channelMessages().map((m) => m.content)).toEqual(['one', 'two', 'three']);
    const times = double.requests.filter((req) => req.method === 'POST').map((req) => req.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  test('answers a repeated nonce with enforce_nonce by returning the message it already created', async ({ connect }) => {
    const { double, client } = await connect();
    const first = jsonOf(await post(client, double.channelId, { content: 'digest', nonce: 'digest-2024-06-01', enforce_nonce: true }));
    const again = await textChannel(client, double.channelId).send({ content: 'digest', nonce: 'digest-2024-06-01', enforceNonce: true, allowedMentions: quiet });
    expect(again.id).toBe(first.id);
    expect(first.nonce).toBe('digest-2024-06-01');
    expect(double.channelMessages(double.channelId)).toHaveLength(1);
    expect(double.requests.filter(createsIn(double.channelId)).map((req) => req.status)).toEqual([200, 200]);
  });

  test('creates another message for a repeated nonce without enforce_nonce, or once the window has passed', async ({ connect }) => {
    let now = Date.parse('2024-06-01T06:00:00Z');
    const { double, client } = await connect({ double: { now: () => now } });
    const ids = [];
    ids.push(idOf(await post(client, double.channelId, { content: 'd', nonce: 'n1', enforce_nonce: true })));
    ids.push(idOf(await post(client, double.channelId, { content: 'd', nonce: 'n1' }))); // enforce_nonce false: Discord creates
    now += 5 * 60_000;
    ids.push(idOf(await post(client, double.channelId, { content: 'd', nonce: 'n1', enforce_nonce: true }))); // still within 5 min
    now += 1;
    ids.push(idOf(await post(client, double.channelId, { content: 'd', nonce: 'n1', enforce_nonce: true })));
    expect(new Set(ids).size).toBe(3);
    expect(ids[2]).toBe(ids[1]);
    expect(double.channelMessages(double.channelId)).toHaveLength(3);
  });

  test.for([
    ['a 26-character string', 'x'.repeat(26)],
    ['a fraction', 1.5],
    ['an object', { id: 1 }],
  ] as const)('rejects a nonce that is %s with 400 50035', async ([, nonce], { connect }) => {
    const { double, client } = await connect();
    await expect(post(client, double.channelId, { content: 'd', nonce, enforce_nonce: true })).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(double.violations).toEqual([expect.stringContaining('nonce must be an integer or a string of at most 25 characters')]);
    expect(double.channelMessages()).toEqual([]);
    double.violations.length = 0;
  });

  test('serves history newest first, by the bot, with components, honouring limit, before and after', async ({ connect }) => {
    const { double, client } = await connect();
    const row = { type: 1, components: [{ type: 2, style: 1, custom_id: 'digest:2024-06-01', label: 'Sources' }] };
    const sent = [];
    for (const content of ['one', 'two', 'three']) sent.push(jsonOf(await post(client, double.channelId, { content, components: [row] })));
    const [one, two, three] = sent.map((message) => String(message.id));
    const history = (query: Record<string, string>) => client.rest.get(Routes.channelMessages(double.channelId), { query: new URLSearchParams(query) }).then(listOf);
    expect((await history({})).map((m) => m.id)).toEqual([three, two, one]);
    expect((await history({ limit: '2' })).map((m) => m.id)).toEqual([three, two]);
    expect((await history({ limit: '1', after: one ?? '' })).map((m) => m.id)).toEqual([two]);
    expect((await history({ before: three ?? '' })).map((m) => m.id)).toEqual([two, one]);
    const [newest] = await history({ limit: '1' });
    expect(newest).toMatchObject({ author: { id: double.appId, bot: true }, components: [row] });
    expect(newest).not.toHaveProperty('nonce');
    const fetched = await textChannel(client, double.channelId).messages.fetch({ limit: 3 });
    expect(fetched.map((m) => m.author.id)).toEqual([double.appId, double.appId, double.appId]);
    await expect(history({ limit: '101' })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(client.rest.get(Routes.channelMessages('300000000000000099'))).rejects.toMatchObject({ status: 404, code: 10003 });
    expect(double.violations).toEqual([expect.stringContaining('limit 101 is not an integer from 1 to 100')]);
    double.violations.length = 0;
  });

  test('flags a channel message sent without allowed_mentions', async ({ connect }) => {
    const { double, client } = await connect();
    await client.rest.post(Routes.channelMessages(double.channelId), { body: { content: 'hello @everyone' } });
    expect(double.violations).toEqual([expect.stringMatching(/POST \/channels\/\d+\/messages: allowed_mentions\.parse must be \[\]/)]);
    double.violations.length = 0;
  });
});


describe('Discord double: per-channel faults', () => {
  test('answers 403 50013 Missing Permissions on creates in one channel, once, while the others work', async ({ connect }) => {
    const { double, client } = await connect({ double: { guilds: [{ channels: 2 }] } });
    const [blocked = '', open = ''] = double.channelIds();
    double.failChannel(blocked, 'missing-permissions');
    const failed = textChannel(client, blocked).send({ content: 'digest', allowedMentions: quiet });
    await expect(failed).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(failed).rejects.toMatchObject({ status: 403, code: 50013, method: 'POST' });
    await textChannel(client, open).send({ content: 'digest', allowedMentions: quiet });
    await expect(client.channels.fetch(blocked, { force: true })).resolves.toMatchObject({ id: blocked }); // it can still see the channel
    expect(double.requests.filter(createsIn(blocked))).toHaveLength(1); // a 4xx is not retried
    expect(double.channelMessages().map((m) => m.channel_id)).toEqual([open]);
  });

  test.for([
    ['unknown-channel', 404, 10003],
    ['missing-access', 403, 50001],
  ] as const)('fails every request to a channel marked %s with %i %i until the fault is removed', async ([failure, status, code], { connect }) => {
    const { double, client } = await connect();
    const fault = double.failChannel(double.channelId, failure);
    await expect(textChannel(client, double.channelId).send({ content: 'd', allowedMentions: quiet })).rejects.toMatchObject({ status, code });
    await expect(client.channels.fetch(double.channelId, { force: true })).rejects.toMatchObject({ status, code });
    await expect(client.rest.get(Routes.channelMessages(double.channelId))).rejects.toMatchObject({ status, code });
    double.removeFault(fault);
    await textChannel(client, double.channelId).send({ content: 'back', allowedMentions: quiet });
    expect(double.channelMessages().map((m) => m.content)).toEqual(['back']);
  });

  test('rate-limits a channel with Discord\'s 429 headers, and discord.js waits Retry-After and retries', async ({ connect }) => {
    const { double, client } = await connect();
    const limited: RateLimitData[] = [];
    client.rest.on('rateLimited', (info) => limited.push(info));
    double.flakyChannel(double.channelId, { status: 429, times: 2, retryAfterMs: 100 });
    const message = await textChannel(client, double.channelId).send({ content: 'digest', allowedMentions: quiet });
    const creates = double.requests.filter(createsIn(double.channelId));
    expect(creates.map((req) => req.status)).toEqual([429, 429, 200]);
    for (let i = 1; i < creates.length; i++) expect((creates[i]?.at ?? 0) - (creates[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(100);
    // Emitted while discord.js waits out a bucket left at x-ratelimit-remaining 0: proof it read the bucket headers.
    expect(limited[0]).toMatchObject({ global: false, limit: 5, method: 'POST' });
    expect(double.channelMessages()).toEqual([expect.objectContaining({ id: message.id })]);
    expect(double.faults).toEqual([]);
  });

  test('surfaces the 429\'s retry_after, scope and limit as a RateLimitError when the client rejects on rate limits', async ({ connect }) => {
    const { double, client } = await connect({ client: { rest: { rejectOnRateLimit: ['/channels'] } } });
    double.flakyChannel(double.channelId, { status: 429, times: 1, retryAfterMs: 250 });
    const failed = post(client, double.channelId, { content: 'digest' });
    await expect(failed).rejects.toBeInstanceOf(RateLimitError);
    await expect(failed).rejects.toMatchObject({ retryAfter: 300, scope: 'user', global: false, limit: 5 }); // 250 ms + discord.js's 50 ms offset
  });

  test.for([500, 502] as const)('answers %i twice, then succeeds, and discord.js retries at once', async (status, { connect }) => {
    const { double, client } = await connect();
    double.flakyChannel(double.channelId, { status, times: 2 });
    await post(client, double.channelId, { content: 'digest' });
    expect(double.requests.filter(createsIn(double.channelId)).map((req) => req.status)).toEqual([status, status, 200]);
    expect(double.channelMessages()).toHaveLength(1);
  });

  test('fails with HTTPError when a channel answers 500 more often than rest.retries', async ({ connect }) => {
    const { double, client } = await connect({ client: { rest: { retries: 1 } } });
    double.flakyChannel(double.channelId, { status: 500, times: 2 });
    await expect(post(client, double.channelId, { content: 'digest' })).rejects.toBeInstanceOf(HTTPError);
    expect(double.channelMessages()).toEqual([]);
  });
});

describe('Discord double: held message creates', () => {
  test('stores a held create at once but answers it only on release', async ({ connect }) => {
    const { double, client } = await connect({ double: { guilds: [{ channels: 2 }] } });
    const [held = '', free = ''] = double.channelIds();
    const hold = double.holdMessageCreates(held);
    let answered = false;
    const sent = post(client, held, { content: 'digest', nonce: 'n-1', enforce_nonce: true }).then((message) => { answered = true; return jsonOf(message); });
    const request = await double.waitForRequest((req) => req.held === true);
    expect(double.channelMessages(held)).toEqual([expect.objectContaining({ content: 'digest', nonce: 'n-1' })]);
    const history = listOf(await client.rest.get(Routes.channelMessages(held)));
    expect(history.map((m) => m.content)).toEqual(['digest']);
    await post(client, free, { content: 'other channel' }); // not held
    await sleep(50);
    expect([answered, hold.pending]).toEqual([false, 1]);
    hold.release();
    expect((await sent).id).toBe(double.channelMessages(held)[0]?.id);
    expect([request.held, hold.pending]).toEqual([false, 0]);
  });

  test('lets a retry after a lost reply find the stored message through its nonce', async ({ connect }) => {
    const { double, client } = await connect();
    double.holdMessageCreates(); // every channel
    const aborted = new AbortController();
    const body = JSON.stringify({ content: 'digest', nonce: 'digest-06-01', enforce_nonce: true, allowed_mentions: quiet });
    const lost = fetch(`${double.apiBase}/v10/channels/${double.channelId}/messages`, {
      method: 'POST', body, signal: aborted.signal, headers: { 'content-type': 'application/json', authorization: `Bot ${TOKEN}` },
    });
    await double.waitForRequest((req) => req.held === true);
    aborted.abort(); // the bot dies before the reply
    await expect(lost).rejects.toThrow();
    double.release();
    const retried = jsonOf(await post(client, double.channelId, { content: 'digest', nonce: 'digest-06-01', enforce_nonce: true }));
    expect(double.channelMessages()).toEqual([expect.objectContaining({ id: retried.id })]);
  });

  test('keeps exactly one message when a child process is killed while its create is held', async ({ connect }) => {
    const { double } = await connect();
    const hold = double.holdMessageCreates(double.channelId);
    const url = `${double.apiBase}/v10/channels/${double.channelId}/messages`;
    const body = JSON.stringify({ content: 'from a child', nonce: 'child-1', allowed_mentions: quiet });
    const script = `fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} }).then(() => process.exit(3))`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    await double.waitForRequest((req) => req.held === true);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
    await vi.waitFor(() => expect(hold.pending).toBe(0)); // its connection closed, so there is nothing left to answer
    expect(double.channelMessages()).toEqual([expect.objectContaining({ content: 'from a child', nonce: 'child-1' })]);
  });

  test('stops promptly with a request still held', async () => {
    const double = await DiscordDouble.start();
    double.holdMessageCreates();
    const body = JSON.stringify({ content: 'digest', allowed_mentions: quiet });
    const pending = fetch(`${double.apiBase}/v10/channels/${double.channelId}/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await double.waitForRequest((req) => req.held === true);
    const started = performance.now();
    await double.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

describe('Discord double: sharding', () => {
  const fourGuilds: DoubleOptions = { shards: 2, guilds: [{}, {}, {}, {}] };

  test('generates guild ids that split round-robin across shards by Discord\'s formula', async () => {
    const double = await DiscordDouble.start({ guilds: Array.from({ length: 6 }, () => ({})) });
    await double.stop();
    for (const count of [2, 3, 5, 16]) expect(double.guildIds.map((id) => shardOf(id, count))).toEqual(double.guildIds.map((_, i) => i % count));
    expect(shardOf('4194304', 2)).toBe(1); // 1 << 22: timestamp 1
    expect(new Set(double.guildIds).size).toBe(6);
  });

  test('gives each of two single-shard clients only its own guilds and interactions', async ({ connect }) => {
    const zero = await connect({ double: fourGuilds, client: { shards: [0], shardCount: 2 } });
    const one = await connect({ reuse: zero.double, client: { shards: [1], shardCount: 2 } });
    const { double } = zero;
    expect(await zero.client.rest.get(Routes.gatewayBot())).toMatchObject({ shards: 2, session_start_limit: { max_concurrency: 2 } });
    const onShard = (shard: number) => double.guildIds.filter((id) => shardOf(id, 2) === shard).sort();
    expect(onShard(0)).toHaveLength(2);
    expect(zero.client.guilds.cache.map((guild) => guild.id).sort()).toEqual(onShard(0));
    expect(one.client.guilds.cache.map((guild) => guild.id).sort()).toEqual(onShard(1));
    const identified = double.gatewayIn.filter((frame) => isJson(frame) && frame.op === 2).map((frame) => jsonOf(jsonOf(frame).d).shard);
    expect(identified).toEqual([[0, 2], [1, 2]]);

    const [guildOnOne = ''] = onShard(1);
    const ix = double.chatInput('where', [], { channelId: double.channelIds(guildOnOne)[0] ?? '' });
    await double.waitForRequest(callbackFor(ix.token));
    expect(one.interactions.map((interaction) => [interaction.id, interaction.guildId])).toEqual([[ix.id, guildOnOne]]);
    expect(zero.interactions).toEqual([]);
  });

  test('logs one client into two shards at once, each with its own session', async ({ connect }) => {
    const started = performance.now();
    const { double, client, interactions } = await connect({ double: fourGuilds, client: { shards: [0, 1], shardCount: 2 } });
    expect(performance.now() - started).toBeLessThan(3000); // max_concurrency 2: no 5-second identify throttle
    expect(client.guilds.cache.map((guild) => [guild.id, guild.shardId]).sort()).toEqual(double.guildIds.map((id) => [id, shardOf(id, 2)]).sort());
    for (const guildId of double.guildIds) {
      const ix = double.chatInput('where', [], { channelId: double.channelIds(guildId)[0] ?? '' });
      await double.waitForRequest(callbackFor(ix.token));
    }
    expect(interactions.map((interaction) => interaction.guild?.shardId)).toEqual(double.guildIds.map((id) => shardOf(id, 2)));
    // Each shard keeps its own sequence: a RESUME of shard 1 alone carries shard 1's session and last `s`.
    const resumed = once(client, Events.ShardResume);
    double.closeGateway(4000, '', 1);
    expect(await resumed).toEqual([1, expect.any(Number)]);
    const resumes = double.gatewayIn.filter((frame) => isJson(frame) && frame.op === 6).map((frame) => jsonOf(jsonOf(frame).d));
    // READY, then one GUILD_CREATE and one INTERACTION_CREATE per guild on shard 1.
    expect(resumes).toEqual([expect.objectContaining({ seq: 1 + 2 * double.guildIds.filter((id) => shardOf(id, 2) === 1).length })]);
  });

  test('refuses to dispatch to a shard no client has identified, naming it', async ({ connect }) => {
    const { double } = await connect({ double: fourGuilds, client: { shards: [0], shardCount: 2 } });
    const guildOnOne = double.guildIds.find((id) => shardOf(id, 2) === 1) ?? '';
    expect(() => double.chatInput('where', [], { channelId: double.channelIds(guildOnOne)[0] ?? '' })).toThrow(`no identified gateway session for guild ${guildOnOne}`);
    expect(() => double.sendDispatch('TYPING_START', {}, 1)).toThrow('no identified gateway session for shard 1');
  });
});
