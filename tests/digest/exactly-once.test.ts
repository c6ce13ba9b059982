// Exactly-once delivery across processes: two `serve` processes on one Redis, and a process killed after
// Discord created its messages but before it saw the answers. Real child processes, a private redis-server,
// the loopback Discord double; each reports messages expected against delivered.
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordDouble } from '../support/discord-double.ts';
import { privateRedis, type PrivateRedis } from '../support/redis-server.ts';
import { tempDir } from '../support/temp-app.ts';
import { botEnv, readSubscriptions, seedStore, subscribeChannels, TOKEN, waitFor } from './bot-processes.ts';
import { startProcess, type BotProcess } from '../support/child-process.ts';

describe('digests are delivered exactly once', () => {
  let double: DiscordDouble | undefined;
  let redis: PrivateRedis | undefined;
  const processes: BotProcess[] = [];
  const dirs: { remove(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const bot of processes.splice(0)) await bot.kill('SIGKILL');
    await double?.stop();
    await redis?.stop();
    for (const dir of dirs.splice(0)) await dir.remove();
  });

  async function setUp(channels: number) {
    redis = await privateRedis();
    double = await DiscordDouble.start({ token: TOKEN, guilds: [{ channels }] });
    await seedStore(redis.url);
    const channelIds = double.channelIds();
    const { ids, windowEnd } = await subscribeChannels(redis.url, new Map(channelIds.map((id) => [id, double!.guildId])));
    return { double, redis, channelIds, ids, windowEnd };
  }

  async function bot(apiBase: string, storeUrl: string): Promise<BotProcess> {
    const dir = await tempDir();
    dirs.push(dir);
    const started = startProcess('src/cli.ts', ['serve'], botEnv(apiBase, storeUrl, dir.path));
    processes.push(started);
    return started;
  }

  const logs = () => processes.map((p, i) => `--- process ${i}\n${p.output()}`).join('\n');

  it('two bot processes sharing Redis send one message per channel and window', async () => {
    const { double, redis, channelIds, windowEnd } = await setUp(20);
    await Promise.all([bot(double.apiBase, redis.url), bot(double.apiBase, redis.url)]);
    await waitFor(async () => (await readSubscriptions(redis.url)).every((s) => s.cursor >= windowEnd), 75_000, 'every cursor to advance', logs);
    // Several more checks by both processes: nothing more may arrive.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const perChannel = channelIds.map((id) => double.channelMessages(id).length);
    const delivered = perChannel.reduce((sum, n) => sum + n, 0);
    console.log(`two processes: messages expected ${channelIds.length}, delivered ${delivered}`);
    expect(perChannel).toEqual(channelIds.map(() => 1));
    // Both processes took part (each logs the deliveries it made), unless one was much faster to start.
    expect(processes.map((p) => p.output().includes('digest delivered'))).toContain(true);
  }, 180_000);

  it.each([
    ['finds the messages in the channel history', false],
    ['resends with the same nonce when history cannot be read, and Discord returns the first message', true],
  ])('a process killed between send and confirm: the restarted one %s', async (_how, historyDenied) => {
    const { double, redis, channelIds, windowEnd } = await setUp(3);
    const hold = double.holdMessageCreates();
    if (historyDenied) {
      for (const id of channelIds) double.addFault((req) => req.method === 'GET' && req.path === `/channels/${id}/messages`, 403, { body: { message: 'Missing Access', code: 50001 }, times: Number.POSITIVE_INFINITY });
    }
    const first = await bot(double.apiBase, redis.url);
    await waitFor(() => hold.pending === channelIds.length, 75_000, 'the first process to send every digest', logs);
    await first.kill('SIGKILL');
    hold.release();

    await bot(double.apiBase, redis.url);
    await waitFor(async () => (await readSubscriptions(redis.url)).every((s) => s.cursor >= windowEnd), 75_000, 'the restarted process to confirm every digest', logs);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const delivered = channelIds.reduce((sum, id) => sum + double.channelMessages(id).length, 0);
    console.log(`crash (${historyDenied ? 'nonce' : 'history'}): messages expected ${channelIds.length}, delivered ${delivered}`);
    expect(channelIds.map((id) => double.channelMessages(id).length)).toEqual(channelIds.map(() => 1));
    const stored = await readSubscriptions(redis.url);
    expect(stored.map((s) => s.lastDelivery?.messageId).sort()).toEqual(channelIds.map((id) => String(double.channelMessages(id)[0]!.id)).sort());
  }, 180_000);
});
