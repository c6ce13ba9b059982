// Proves the Discord double against the real discord.js Client and a tiny inline bot.
import { once } from 'node:events';
import { Client, DiscordAPIError, Events, GatewayIntentBits, HTTPError, MessageFlags, TextChannel } from 'discord.js';
import type { ClientOptions, Interaction } from 'discord.js';
import { test as base, describe, expect } from 'vitest';
import { DiscordDouble, isJson } from './discord-double.ts';
import type { DoubleOptions, RecordedRequest } from './discord-double.ts';

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

interface Harness { double: DiscordDouble; client: Client; errors: unknown[] }
type Connect = (options?: { double?: DoubleOptions; client?: Partial<ClientOptions>; token?: string }) => Promise<Harness>;

const test = base.extend<{ connect: Connect }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
  connect: async ({}, use) => {
    const started: Harness[] = [];
    await use(async (options = {}) => {
      const double = await DiscordDouble.start(options.double);
      const { rest, ...more } = options.client ?? {};
      const client = new Client({ intents: [GatewayIntentBits.Guilds], waitGuildTimeout: 1000, ...more, rest: { api: double.apiBase, ...rest } });
      const harness = { double, client, errors: [] as unknown[] };
      started.push(harness);
      client.on(Events.Error, (err) => harness.errors.push(err));
      // A rejected async listener goes nowhere, so surface handler failures as client errors.
      client.on(Events.InteractionCreate, (interaction) => void handle(interaction).catch((err: unknown) => client.emit(Events.Error, err as Error)));
      const ready = once(client, Events.ClientReady);
      await client.login(options.token ?? TOKEN);
      await ready;
      return harness;
    });
    for (const { client, double } of started) {
      await client.destroy(); // first: destroying after the double is gone makes the shard reconnect
      await double.stop();
    }
    for (const { double } of started) expect(double.violations).toEqual([]);
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
