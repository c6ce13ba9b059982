// `npm run start:sharded`: discord.js's ShardingManager runs one `serve` per shard; each guild's digests are
// sent by the shard that owns the guild ((guild_id >> 22) % shard_count), once.
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordDouble, shardOf } from '../support/discord-double.ts';
import { privateRedis, type PrivateRedis } from '../support/redis-server.ts';
import { tempDir } from '../support/temp-app.ts';
import { botEnv, readSubscriptions, seedStore, subscribeChannels, TOKEN, waitFor } from './bot-processes.ts';
import { startProcess, type BotProcess } from '../support/child-process.ts';

/** The JSON log lines a process wrote for the digests it delivered. */
function deliveries(output: string): { channelId: string; shard: number[] }[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    const entry = JSON.parse(line) as { msg?: string; channelId?: string; shard?: number[] };
    return entry.msg === 'digest delivered' && entry.channelId && entry.shard ? [{ channelId: entry.channelId, shard: entry.shard }] : [];
  });
}

describe('npm run start:sharded', () => {
  let double: DiscordDouble | undefined;
  let redis: PrivateRedis | undefined;
  let manager: BotProcess | undefined;
  let dir: { path: string; remove(): Promise<void> } | undefined;
  afterEach(async () => {
    await manager?.kill('SIGKILL');
    await double?.stop();
    await redis?.stop();
    await dir?.remove();
  });

  it('runs a process per shard; each guild gets its digests from its own shard, once', async () => {
    redis = await privateRedis();
    double = await DiscordDouble.start({ token: TOKEN, shards: 2, guilds: [{ channels: 2 }, { channels: 2 }] });
    await seedStore(redis.url);
    const guildOf = new Map(double.guildIds.flatMap((guildId) => double!.channelIds(guildId).map((channelId) => [channelId, guildId] as const)));
    expect(new Set(double.guildIds.map((id) => shardOf(id, 2)))).toEqual(new Set([0, 1]));
    const { windowEnd } = await subscribeChannels(redis.url, guildOf);

    dir = await tempDir();
    manager = startProcess('src/sharded.ts', [], botEnv(double.apiBase, redis.url, dir.path, { SHARD_COUNT: 'auto' }));
    await waitFor(async () => (await readSubscriptions(redis!.url)).every((s) => s.cursor >= windowEnd), 60_000, 'every cursor to advance', () => manager!.output());
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const channels = [...guildOf.keys()];
    expect(channels.map((id) => double!.channelMessages(id).length)).toEqual(channels.map(() => 1));
    const sent = deliveries(manager.output());
    expect(sent.map((d) => d.channelId).sort()).toEqual([...channels].sort());
    for (const { channelId, shard } of sent) expect(shard).toEqual([shardOf(guildOf.get(channelId)!, 2)]);

    expect(await manager.kill('SIGTERM')).toBe(0);
  }, 120_000);
});
