import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager } from 'discord.js';
import { z } from 'zod';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.ts';
import { createLogger } from './log.ts';

/** The part of Discord's GET /gateway/bot answer we read: how many shards it recommends. */
const GatewayBot = z.object({ shards: z.number().int().min(1) });

/** SHARD_COUNT=auto asks Discord (or DISCORD_API_URL's proxy) how many shards the bot's guild count needs. */
async function shardCount(config: Config, token: string): Promise<number> {
  if (config.SHARD_COUNT !== 'auto') return config.SHARD_COUNT;
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(token);
  return GatewayBot.parse(await rest.get(Routes.gatewayBot())).shards;
}

/**
 * `npm run start:sharded`: one `serve` process per shard under discord.js's ShardingManager. Each shard
 * answers its guilds' interactions and sends its guilds' digests; with STORE_URL=redis:// they share one
 * store, and the delivery leases keep a digest to one sender even while shards restart.
 */
async function main(): Promise<number> {
  loadDotEnv();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL).child({ module: 'shards' });
  const token = config.DISCORD_TOKEN;
  if (!token) throw new ConfigError('DISCORD_TOKEN is not set. See "Discord" in the README for creating the bot and its token.');
  if (config.STORE_URL.startsWith('sqlite://')) log.warn('shards share a SQLite file on this host; set STORE_URL=redis://… to run them on several hosts');
  const totalShards = await shardCount(config, token);
  const manager = new ShardingManager(fileURLToPath(new URL('./cli.ts', import.meta.url)), {
    token, totalShards, mode: 'process', shardArgs: ['serve'], execArgv: ['--import', 'tsx'], respawn: true,
  });
  manager.on('shardCreate', (shard) => {
    log.info({ shard: shard.id, of: totalShards }, 'shard starting');
    shard.on('death', () => log.warn({ shard: shard.id }, 'shard exited'));
  });
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await Promise.race([manager.spawn({ timeout: 120_000 }), signal]);
  const received = await signal;
  // Each shard drains its own interactions and deliveries on SIGTERM (serve's graceful shutdown); a second signal exits at once.
  for (const again of ['SIGINT', 'SIGTERM'] as const) process.once(again, () => process.exit(1));
  manager.respawn = false;
  log.info({ signal: received }, 'stopping shards');
  await Promise.all(manager.shards.map(async (shard) => {
    const child = shard.process;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }));
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `briefing-bot: ${(err as Error).message}`}\n`);
  process.exitCode = 1;
}
