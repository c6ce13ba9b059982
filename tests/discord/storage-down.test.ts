// Storage outages through the real bot: the app's store is a redis-server this file starts on a free port (never
// the machine's 6379, which other tests use), stops with SIGTERM mid-test, and starts again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect as connectSocket, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { STORAGE_UNAVAILABLE } from '../../src/discord/dispatch.ts';
import { metrics } from '../../src/ops/metrics.ts';
import { isStorageUnavailable } from '../../src/store/storage-errors.ts';
import type { DiscordDouble, RecordedRequest } from '../support/discord-double.ts';
import { tempDir } from '../support/temp-app.ts';
import { bodyOf, callbackFor, dataOf, editOf, embedsOf, followUpOf, test as botTest } from './bot-fixture.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Sends one inline command and resolves with the first line of the reply ("+PONG"), or rejects when nothing listens. */
function send(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(port, '127.0.0.1');
    let data = '';
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}

type RedisServer = { url: string; start(): Promise<void>; stop(): Promise<void>; save(): Promise<void> };

/** redis-server without automatic persistence; `save()` writes a snapshot that the next `start()` loads, as a restarted Redis would. */
async function redisServer(dir: string): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  // Should the worker go away without its teardown (a killed run), the server must not outlive it.
  process.once('exit', () => child?.kill('SIGKILL'));
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) return;
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (await send(port, 'PING').then((line) => line === '+PONG', () => false)) return;
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGTERM');
      await exited;
    },
    async save() {
      expect(await send(port, 'SAVE')).toBe('+OK');
    },
  };
  await server.start();
  return server;
}

const test = botTest
  .extend<{ redis: RedisServer }>({
    redis: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the destructuring
      async ({}, use) => {
        const dir = await tempDir('briefing-redis-');
        const server = await redisServer(dir.path);
        await use(server);
        await server.stop();
        await dir.remove();
      },
      { scope: 'file' },
    ],
  })
  .override({ appEnv: [async ({ redis }, use) => use({ STORE_URL: redis.url }), { scope: 'file' }] });

const brief = (double: DiscordDouble) => double.chatInput('brief', { topic: 'china-dprk', since: '2018-01-01', until: '2018-12-31' });
/** The member's answer: the brief (an edit with an embed) or a private follow-up. */
const answered = (token: string) => (req: RecordedRequest) => (editOf(token)(req) && embedsOf(bodyOf(req)).length > 0) || followUpOf(token)(req);
const storageUnavailable = async () =>
  (await metrics.interactions.get()).values.filter((v) => v.labels.outcome === 'storage_unavailable').reduce((sum, v) => sum + v.value, 0);

describe('storage outages over the real discord.js client', () => {
  test('says storage is unavailable while Redis is down, keeps serving, and answers again once Redis is back', async ({ connect, redis }) => {
    const { double, bot } = await connect();
    const before = brief(double);
    expect(embedsOf(bodyOf(await double.waitForRequest(answered(before.token), 10_000)))).toHaveLength(1);
    await bot.idle();
    const countedBefore = await storageUnavailable();

    await redis.save();
    await redis.stop();
    try {
      const down = [brief(double), double.chatInput('ask', { question: 'When did Xi visit Pyongyang?' })];
      for (const ix of down) {
        const reply = await double.waitForRequest(answered(ix.token), 10_000);
        expect(bodyOf(reply)).toMatchObject({ content: STORAGE_UNAVAILABLE, flags: 64 });
      }
      await bot.idle();
      expect((await storageUnavailable()) - countedBefore).toBe(2);
      // What needs no storage still works: the bot is up.
      const help = double.chatInput('help');
      expect(String(dataOf(await double.waitForRequest(callbackFor(help.token))).content)).toMatch(/^I write dated briefs/);
    } finally {
      await redis.start(); // also when an assertion failed, so the app can close its connections
    }

    // The store's clients reconnect on their own; a member retrying gets the brief.
    const deadline = Date.now() + 15_000;
    let reply: RecordedRequest;
    do {
      const retry = brief(double);
      reply = await double.waitForRequest(answered(retry.token), 10_000);
      await bot.idle();
      if (embedsOf(bodyOf(reply)).length === 0) await new Promise((done) => setTimeout(done, 250));
    } while (embedsOf(bodyOf(reply)).length === 0 && Date.now() < deadline);
    expect(embedsOf(bodyOf(reply))[0]).toMatchObject({ title: expect.stringMatching(/^China–DPRK relations: /) });
  }, 60_000);
});

describe('which errors mean the store is unreachable', () => {
  /** Stand-ins named like the classes node-redis throws. */
  class ClientClosedError extends Error {}
  class SocketClosedUnexpectedlyError extends Error {}
  const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

  it.each([
    ['node-redis while reconnecting', new Error('The client is offline')],
    ['node-redis after close', new ClientClosedError('The client is closed')],
    ['node-redis when the socket drops', new SocketClosedUnexpectedlyError('Socket closed unexpectedly')],
    ['@keyv/redis with throwOnConnectError', new Error('Redis client is not connected or has failed to connect. This is thrown because throwOnConnectError is set to true.')],
    ['@keyv/redis connectionTimeout', new Error('Redis timed out after 3000ms')],
    ['a refused connection', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6390')],
    ['a refused connection on every address', Object.assign(new AggregateError([coded('ECONNREFUSED')], 'connect failed'), { code: 'ECONNREFUSED' })],
    ['SQLite locked by another writer', coded('SQLITE_BUSY', 'SQLITE_BUSY: database is locked')],
    ['SQLite file that cannot be opened', coded('SQLITE_CANTOPEN', 'SQLITE_CANTOPEN: unable to open database file')],
    ['a wrapped outage', new Error('could not load the brief', { cause: new Error('The client is closed') })],
  ])('counts %s as storage unavailable', (_, err) => expect(isStorageUnavailable(err)).toBe(true));

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a Discord failure', Object.assign(new Error('Unknown interaction'), { code: 10062 })],
    ['a record that does not parse', new Error('Unexpected token } in JSON')],
    ['SQLite refusing a bad query', coded('SQLITE_ERROR', 'SQLITE_ERROR: no such table: keyv')],
    ['something that is not an error', 'The client is offline'],
  ])('does not count %s as storage unavailable', (_, err) => expect(isStorageUnavailable(err)).toBe(false));

  it('stops following causes that loop', () => {
    const err: Error & { cause?: unknown } = new Error('outer');
    err.cause = err;
    expect(isStorageUnavailable(err)).toBe(false);
  });
});
