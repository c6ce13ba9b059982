import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp, type App } from './app.ts';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.ts';
import { explain, type AppFailure } from './failures.ts';
import { createLogger, type Logger } from './log.ts';
import type { Result } from './model.ts';
import { parseDay } from './period.ts';
import { briefText, feedRunText, hitsText, ingestText } from './render/cli-text.ts';
import { hitsJson } from './render/json.ts';

const USAGE = `Usage: briefing-bot <command> [options]

  brief <topic> [--since 7d|YYYY-MM-DD] [--until YYYY-MM-DD] [--focus TEXT] [--json]
  ask "<question>" [--topic T] [--json]
  digest <topic> --since 7d|YYYY-MM-DD [--until YYYY-MM-DD] [--json]   preview a channel digest
  search "<query>" [--k 10] [--topic T] [--json]
  ingest <file|folder> [--date YYYY-MM-DD] [--outlet NAME] [--url URL] [--json]
  ingest --feeds [--topic T] [--json]   one run over the feed list (FEEDS_FILE)
  topics [--json]
  serve                      run the Discord bot (needs DISCORD_TOKEN; see the README's Discord section)
  register                   put the slash commands on DISCORD_GUILD_ID, or globally
  commands [--json]          the slash-command JSON that register sends

Exit codes: 0 ok, 1 failure, 2 usage error. Configuration: see .env.example.`;

class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  json: { type: 'boolean' },
  since: { type: 'string' },
  until: { type: 'string' },
  focus: { type: 'string' },
  topic: { type: 'string' },
  k: { type: 'string' },
  date: { type: 'string' },
  outlet: { type: 'string' },
  url: { type: 'string' },
  feeds: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

const write = (text: string) => process.stdout.write(text);
const writeJson = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]?.trim()) throw new UsageError(`Expected exactly one ${what}.`);
  return positionals[0];
}

/** Prints a result, or its failure on stderr; an unknown topic or bad date is the user's to fix (exit 2). */
function report<T>(result: Result<T, AppFailure>, print: (value: T) => void): number {
  if (result.ok) {
    print(result.value);
    return 0;
  }
  process.stderr.write(`${explain(result.error)}\n`);
  return ['unknown-topic', 'bad-date', 'bad-period', 'empty-query'].includes(result.error.code) ? 2 : 1;
}

async function run(command: string, args: Parsed, app: App): Promise<number> {
  const { values, positionals } = args;
  switch (command) {
    case 'brief': {
      const topic = one(positionals, 'topic, e.g. china-dprk');
      const result = await app.brief({ topic, since: values.since, until: values.until, focus: values.focus });
      const title = app.topics.find((t) => t.slug === topic)?.title ?? topic;
      return report(result, (brief) => (values.json ? writeJson(brief) : write(briefText(brief, title))));
    }
    case 'digest': {
      const topic = one(positionals, 'topic, e.g. china-dprk');
      if (values.since === undefined) throw new UsageError('digest needs --since: the day the digest starts (YYYY-MM-DD) or days back (7d).');
      const now = new Date();
      const sinceDay = parseDay(values.since, now);
      const untilDay = values.until === undefined ? parseDay('0d', now) : parseDay(values.until, now);
      if (!sinceDay) throw new UsageError('--since must be YYYY-MM-DD or a number of days such as 7d.');
      if (!untilDay) throw new UsageError('--until must be YYYY-MM-DD or a number of days such as 0d.');
      // Whole days, both inclusive, as for a brief: from the first instant of --since to the last of --until.
      const window = { since: new Date(sinceDay.getTime() - 1), until: new Date(untilDay.getTime() + 86_399_999) };
      const result = await app.digest({ topic, ...window, language: 'en' });
      const title = app.topics.find((t) => t.slug === topic)?.title ?? topic;
      return report(result, ({ brief, quiet, articles }) =>
        values.json
          ? writeJson({ ...brief, quiet, articles, window: { since: window.since.toISOString(), until: window.until.toISOString() } })
          : write(quiet ? `${brief.notices.join('\n')}\n` : briefText(brief, `${title} digest`)));
    }
    case 'ask': {
      const result = await app.ask({ question: one(positionals, 'question in quotes'), topic: values.topic });
      return report(result, (brief) => (values.json ? writeJson(brief) : write(briefText(brief, 'Answer'))));
    }
    case 'search': {
      const k = values.k === undefined ? 10 : Number(values.k);
      if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError('--k must be a whole number from 1 to 100.');
      const result = await app.search({ query: one(positionals, 'query in quotes'), k, topic: values.topic });
      return report(result, (hits) => (values.json ? writeJson(hitsJson(hits)) : write(hitsText(hits))));
    }
    case 'ingest': {
      if (values.feeds) {
        if (positionals.length > 0) throw new UsageError('ingest --feeds takes no path.');
        const report = await app.ingestFeeds(values.topic);
        if (values.json) writeJson(report);
        else write(feedRunText(report));
        return report.failed > 0 && report.fetched + report.notModified === 0 ? 1 : 0;
      }
      const date = values.date === undefined ? undefined : parseDay(values.date, new Date());
      if (values.date !== undefined && (!date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date))) throw new UsageError('--date must be YYYY-MM-DD.');
      if (values.url !== undefined && !URL.canParse(values.url)) throw new UsageError('--url must be an absolute URL.');
      const result = await app.ingest(one(positionals, 'file or folder'), { date, outlet: values.outlet, url: values.url });
      if (values.json) writeJson(result);
      else write(ingestText(result));
      return 0;
    }
    case 'topics': {
      if (values.json) writeJson({ topics: app.topics.map(({ slug, title, description }) => ({ slug, title, description })) });
      else write(`${app.topics.map((t) => `${t.slug}\t${t.title}`).join('\n')}\n`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/** Runs the bot until SIGINT or SIGTERM, then finishes in-flight interactions and closes the store. */
async function serve(config: Config, app: App, log: Logger): Promise<number> {
  const { startBot } = await import('./discord/client.ts');
  const bot = await startBot(config, app, log);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal (either kind) while draining exits at once.
  for (const again of ['SIGINT', 'SIGTERM'] as const) process.once(again, () => process.exit(1));
  log.info({ signal }, 'shutting down');
  await bot.stop();
  // Under `start:sharded` the IPC channel to the ShardingManager would keep this process alive.
  if (process.connected) process.disconnect();
  return 0;
}

/** Storage failures a user can act on, in one line. */
function storageMessage(err: unknown, config: Config | undefined): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^(SQLITE_(CANTOPEN|READONLY|IOERR|PERM)|EACCES|EROFS|EPERM|ENOTDIR)/.test(code)) return undefined;
  return `Cannot write the store in DATA_DIR (${config?.DATA_DIR ?? '?'}): ${code}. Point DATA_DIR at a writable folder; nothing stored was changed.`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    (command ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  let config: Config | undefined;
  let app: App | undefined;
  let log: Logger | undefined;
  try {
    const args = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (args.values.help) {
      write(`${USAGE}\n`);
      return 0;
    }
    loadDotEnv();
    config = loadConfig();
    log = createLogger(config.LOG_LEVEL, 2, { secrets: [config.DISCORD_TOKEN, config.OPENAI_API_KEY] });
    // discord.js takes half a second to load: only the commands that talk to Discord pay for it.
    if (command === 'commands') {
      const { commandsJson } = await import('./discord/register.ts');
      const json = commandsJson();
      if (args.values.json) writeJson(json);
      else write(`${json.map((c) => `/${c.name}\t${c.description}`).join('\n')}\n`);
      return 0;
    }
    if (command === 'register' || command === 'serve') {
      if (!config.DISCORD_TOKEN) {
        process.stderr.write(`DISCORD_TOKEN is not set. See "Discord" in the README for creating the bot and its token.\n`);
        return 1;
      }
      if (command === 'register') {
        const { registerCommands } = await import('./discord/register.ts');
        const registration = await registerCommands(config, log);
        write(`Registered ${registration.commands.length} commands (${registration.scope}${registration.guildId ? ` ${registration.guildId}` : ''}): ${registration.commands.join(', ')}\n`);
        return 0;
      }
    }
    app = await createApp(config, log);
    if (command === 'serve') return await serve(config, app, log);
    return await run(command, args, app);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const message = err instanceof ConfigError ? err.message : (storageMessage(err, config) ?? `briefing-bot: ${(err as Error).message}`);
    process.stderr.write(`${message}\n`);
    if (log && !(err instanceof ConfigError)) log.debug({ err }, 'command failed');
    return 1;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

// Run when started as a script (npm run …); bin/briefing-bot.js imports main instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
