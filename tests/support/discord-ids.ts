// Snowflakes shaped like Discord's, and the shard a guild id belongs to.
const DISCORD_EPOCH = 1420070400000n;
const SHARD_CYCLE = 720_720n; // lcm(1..16)
let generatedGuilds = BigInt(Math.floor(Math.random() * 0x40_0000)); // random start: test files run in separate processes

/** Monotonic numeric snowflakes derived from the clock, so discord.js timestamps make sense. One source per double. */
export function snowflakes(): () => string {
  let last = 0n;
  return () => {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString();
  };
}

/**
 * Discord's shard formula: `(guild_id >> 22) % shard_count`.
 * @example shardOf(double.guildIds[1], 2) // 1: generated guilds alternate between shards
 */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** Non-numeric ids (a test's own) go to shard 0 instead of throwing. */
export const safeShardOf = (guildId: string, count: number) => (/^\d+$/.test(guildId) ? shardOf(guildId, count) : 0);

/**
 * A guild id whose timestamp is congruent to `index` modulo lcm(1..16), so generated guild i is on shard
 * `i % count` for every count up to 16. Its timestamp lies 12–24 minutes back (never in the future); the low
 * 22 bits count up, so every double still gets a fresh guild, and state keyed by guild never leaks between tests.
 */
export function generatedGuildId(index: number): string {
  const now = BigInt(Date.now()) - DISCORD_EPOCH;
  const i = BigInt(index);
  const timestamp = (now / SHARD_CYCLE - 1n - i / SHARD_CYCLE) * SHARD_CYCLE + (i % SHARD_CYCLE);
  generatedGuilds = (generatedGuilds + 1n) & 0x3f_ffffn;
  return ((timestamp << 22n) | generatedGuilds).toString();
}

/** Numeric snowflakes compare by length, then digit by digit. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
