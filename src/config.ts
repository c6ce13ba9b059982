import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The folder that holds package.json, data/ and prompts/, wherever the process was started from. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

const optionalText = z.string().trim().min(1).optional();

const Env = z.object({
  /** Where the store and the index live. Relative paths are taken from the working directory. */
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  /** sqlite://path or redis://host:port; absent -> sqlite://<DATA_DIR>/briefing.sqlite. */
  STORE_URL: z
    .string()
    .trim()
    .regex(/^(sqlite|redis|rediss):\/\/.+/, 'expected sqlite://<path> or redis://<host>:<port>')
    .optional(),
  /** The bundled sample corpus, loaded into an empty store on first run. */
  CORPUS_DIR: z.string().trim().min(1).default(resolve(PACKAGE_ROOT, 'data/corpus')),
  /** One JSON file per topic. */
  TOPICS_DIR: z.string().trim().min(1).default(resolve(PACKAGE_ROOT, 'data/topics')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Days after which an article's recency boost halves. */
  RECENCY_HALF_LIFE_DAYS: z.coerce.number().positive().max(3650).default(180),
  /** The window of a brief when --since is not given: a number of days, e.g. 30d. */
  BRIEF_DEFAULT_SINCE: z.string().trim().regex(/^\d+d$/, 'expected a number of days such as 30d').default('30d'),
  /** The feed list (per topic): name, URL, outlet, language, kind, state-media flag. */
  FEEDS_FILE: z.string().trim().min(1).default(resolve(PACKAGE_ROOT, 'data/feeds.json')),
  /** Minutes between feed runs while the bot serves; 0 turns polling off. */
  FEED_POLL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(0),
  /** Test-only: let feeds live on 127.0.0.1 / ::1. Everything else private stays refused. */
  FEEDS_ALLOW_LOOPBACK: z.stringbool().default(false),
  /** How site owners can reach you, appended to the User-Agent (a URL or an e-mail address). */
  FEED_CONTACT: optionalText,
  /** Files larger than this are refused by ingest, in megabytes. */
  INGEST_MAX_FILE_MB: z.coerce.number().positive().max(1024).default(10),

  /** Any OpenAI-compatible server's key; absent -> the offline extractive composer. */
  OPENAI_API_KEY: optionalText,
  /** OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter). */
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Chat model that writes briefs and answers. */
  BRIEF_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  /** Embedding model; absent -> lexical retrieval only. */
  EMBEDDING_MODEL: optionalText,
  /** Per-request timeout for the model, in seconds: a member is waiting. */
  OPENAI_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(30),
  /** Retries (with the SDK's backoff) on 429, 5xx and timeouts before falling back to the extractive brief. */
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Token budget for the numbered sources in one prompt. */
  CONTEXT_TOKEN_BUDGET: z.coerce.number().int().min(500).max(200_000).default(6000),
  /** Identical model requests within this many minutes are answered from the cache; 0 disables it. */
  LLM_CACHE_TTL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  /** What happens to a point its cited sources do not support: dropped (default) or kept and marked. */
  CITATION_MODE: z.enum(['drop', 'mark']).default('drop'),

  DISCORD_TOKEN: optionalText,
  /** The application's id (Developer Portal → General Information); absent -> looked up with the token. */
  DISCORD_APPLICATION_ID: z.string().trim().regex(/^\d{17,20}$/, 'expected a numeric application id').optional(),
  /** Only for `register`: the guild to register commands on; absent -> global commands. */
  DISCORD_GUILD_ID: z.string().trim().regex(/^\d{17,20}$/, 'expected a numeric guild id').optional(),
  /** REST base URL without /v10, for a REST proxy (or the tests' double). */
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a follow-up thread remembers its conversation, in minutes. */
  CONVERSATION_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Commands one member may run per minute before being asked to wait. */
  USER_COMMANDS_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(6),
  /** Work on an interaction is abandoned after this many seconds (Discord's token lasts 15 minutes). */
  INTERACTION_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(840).default(120),
  /** Commands one server may run per minute, all members together, before members are asked to wait. */
  GUILD_COMMANDS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(60),
  /** Model calls (briefs, answers, digests) running at once; the rest wait in line. */
  LLM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Requests that may wait for the model; beyond that a member is told the bot is busy. */
  LLM_QUEUE_MAX: z.coerce.number().int().min(0).max(10_000).default(50),
  /** Model tokens (in + out) one server may use per UTC day; absent -> no budget. Over it, briefs are extractive. */
  GUILD_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(1).optional(),

  /** Seconds between checks for digests that are due. */
  DIGEST_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** A digest window with no new reporting: post a one-line note (post) or send nothing (skip). */
  DIGEST_QUIET: z.enum(['post', 'skip']).default('post'),
  /** How long a digest keeps being retried after Discord answers 429 or 5xx, in minutes. */
  DIGEST_RETRY_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(30),
  /** How long a process's claim on one digest delivery lasts without renewal; after a crash, the wait before another process may send it. */
  DIGEST_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Shards for `npm run start:sharded`: a number, or auto (Discord's recommendation). */
  SHARD_COUNT: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1000)]).default('auto'),

  /** Port of the operations listener (/healthz, /readyz, /metrics) while serving; absent -> no listener. */
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Address the operations listener binds; keep it private (metrics are not for the public). */
  OPS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** On SIGINT/SIGTERM, how long in-flight interactions and deliveries may take before the bot exits anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
});

export type Config = z.infer<typeof Env> & { STORE_URL: string; DATA_DIR: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Blank values count as unset, so a copied .env.example with empty lines keeps the defaults. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = Env.safeParse(withoutBlanks(env));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const dataDir = resolve(result.data.DATA_DIR);
  return {
    ...result.data,
    DATA_DIR: dataDir,
    STORE_URL: result.data.STORE_URL ?? `sqlite://${resolve(dataDir, 'briefing.sqlite')}`,
  };
}

/** Reads ./.env into process.env when it exists; variables already set win. */
export function loadDotEnv(path = resolve('.env')): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
