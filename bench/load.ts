/**
 * `npm run load [-- --json] [-- --cache]`: a burst of slash commands against the real bot. 200 commands in 10 s
 * (mostly /brief china-dprk, some /ask, a few /sources and /help) from 40 members of two guilds go through the
 * loopback Discord double to `startBot` (production REST settings, so discord.js's own 50 requests/s cap
 * applies) with a real app on the bundled sample corpus, and a model double that takes 1–3 s per completion.
 * The double refuses a first callback later than 3 s, as Discord does. Measured per interaction: time to
 * acknowledge, and the final message once every one is answered (or 60 s after the last was sent).
 *
 * The LLM cache is off unless `--cache`: with it, identical briefs share one model call and the model is
 * barely exercised. Exit code 1 when any interaction is unanswered or any acknowledgement took 3 s or more.
 * Everything (bot, both doubles) runs in this one process, so the RSS figure includes the doubles. With --json,
 * stdout carries one JSON object and the tables go to stderr, as in `npm run bench`. Not part of `npm test`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Events, RESTEvents } from 'discord.js';
import { pino, type Logger } from 'pino';
import { createApp, type App } from '../src/app.ts';
import { loadConfig, PACKAGE_ROOT } from '../src/config.ts';
import { startBot, type Bot } from '../src/discord/client.ts';
import { DiscordDouble, isJson, type Json, type RecordedRequest, type SentInteraction } from '../tests/support/discord-double.ts';
import { reply, startOpenAiDouble } from '../tests/support/openai-double.ts';
import { percentiles, round, table } from './measure.ts';
import { pick, randomInt, seededRandom, zipfSampler } from './random.ts';

const PLAN = {
  seed: 20_261_127,
  commands: 200,
  /** Commands are sent at uniformly random moments within this many milliseconds. */
  spreadMs: 10_000,
  users: 40,
  /** Members 0..n-1 of the Zipf ranking alternate between two guilds, so the first guild gets the busiest member. */
  guilds: 2,
  /** Share of each command; the rest of the draw is /help. */
  mix: { brief: 0.7, ask: 0.2, sources: 0.06 },
  /** Per chat completion, drawn uniformly. */
  llmLatencyMs: [1_000, 3_000] as const,
  /** After the last command is sent, how long answers are waited for. */
  answerDeadlineMs: 60_000,
  /** Discord's acknowledgement window. */
  ackLimitMs: 3_000,
  /** High enough that the limits do not shape the run; what they still refuse is counted. */
  userCommandsPerMinute: 30,
  guildCommandsPerMinute: 6_000,
} as const;
const TOKEN = 'LOAD.TOKEN.fake';
const json = process.argv.includes('--json');
const cache = process.argv.includes('--cache');
const out = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`… ${text}\n`);

type Command = { at: number; name: 'brief' | 'ask' | 'sources' | 'help'; options: Record<string, string>; userId: string; guild: number };
type Sent = SentInteraction & { command: Command['name'] };

/** A seeded schedule: uniform arrival times, a Zipf-skewed choice of member (a few are much busier), each in one guild. */
function schedule(questions: readonly string[]): Command[] {
  const random = seededRandom(PLAN.seed);
  const member = zipfSampler(PLAN.users, 0.6);
  return Array.from({ length: PLAN.commands }, (): Command => {
    const draw = random();
    const rank = member(random);
    const who = { userId: String(300_000_000_000_000_000n + BigInt(rank)), guild: rank % PLAN.guilds, at: random() * PLAN.spreadMs };
    if (draw < PLAN.mix.brief) return { ...who, name: 'brief', options: { topic: 'china-dprk' } };
    if (draw < PLAN.mix.brief + PLAN.mix.ask) return { ...who, name: 'ask', options: { question: pick(random, questions) } };
    if (draw < PLAN.mix.brief + PLAN.mix.ask + PLAN.mix.sources) return { ...who, name: 'sources', options: {} };
    return { ...who, name: 'help', options: {} };
  }).sort((a, b) => a.at - b.at);
}

/** The dev eval set's questions, so /ask asks what the corpus can answer. */
async function evalQuestions(): Promise<string[]> {
  const dir = join(PACKAGE_ROOT, 'tests/eval/questions');
  const files = await Promise.all((await readdir(dir)).filter((name) => name.endsWith('.json')).map((name) => readFile(join(dir, name), 'utf8')));
  return files.flatMap((text) => {
    const entries: unknown = JSON.parse(text);
    return Array.isArray(entries) ? entries.flatMap((entry: unknown) => (isJson(entry) && typeof entry.question === 'string' ? [entry.question] : [])) : [];
  });
}

/** A pino logger that counts warnings and errors by message (and error type), instead of writing them. */
function countingLogger(counts: Map<string, number>): Logger {
  return pino({ level: 'warn', base: undefined }, {
    write(line: string) {
      const entry: unknown = JSON.parse(line);
      if (!isJson(entry)) return;
      const level = Number(entry.level) >= 50 ? 'error' : 'warn';
      const type = isJson(entry.err) && typeof entry.err.type === 'string' ? ` (${entry.err.type})` : '';
      const key = `${level}: ${String(entry.msg)}${type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  });
}

// ---- what the member was left with --------------------------------------------------------------------

const tokenOf = (path: string) => /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(path)?.[1] ?? /^\/webhooks\/\d+\/([^/]+)/.exec(path)?.[1];
type Shown = { via: 'reply' | 'edit' | 'follow-up'; body: Json; at: number };

/** The messages an interaction produced, in order: immediate replies, edits of @original and follow-ups. */
function shownMessages(requests: readonly RecordedRequest[]): Shown[] {
  return requests.flatMap((req): Shown[] => {
    const body = isJson(req.body) ? req.body : {};
    if (req.status >= 300) return [];
    if (req.path.endsWith('/callback')) return Number(body.type) === 4 && isJson(body.data) ? [{ via: 'reply', body: body.data, at: req.at }] : [];
    if (req.method === 'PATCH' && req.path.endsWith('/messages/@original')) return [{ via: 'edit', body, at: req.at }];
    if (req.method === 'POST' && req.path.startsWith('/webhooks/')) return [{ via: 'follow-up', body, at: req.at }];
    return [];
  });
}

/** One message's kind; 'interim' is a progress note (e.g. a queue position) that another message replaces. */
function kindOf(body: Json): string {
  const content = typeof body.content === 'string' ? body.content : '';
  const embed = Array.isArray(body.embeds) ? body.embeds.find(isJson) : undefined;
  if (/asking faster than|Try again in \d+ seconds?/i.test(content)) return 'rate-limited';
  if (/\bbusy\b/i.test(content)) return 'busy';
  if (/Something broke on our side/.test(content)) return 'error: failure reply';
  if (/took longer than/.test(content)) return 'error: timed out';
  if (/storage is unavailable/i.test(content)) return 'error: storage unavailable';
  if (!embed) {
    if (content.startsWith('I write dated briefs')) return 'help';
    if (/\bqueued?\b|\bahead\b|\bin line\b/i.test(content)) return 'interim';
    return `other: ${content.slice(0, 60)}`;
  }
  const title = String(embed.title ?? '');
  const footer = isJson(embed.footer) ? String(embed.footer.text) : '';
  const what = title.startsWith('Q: ') ? 'ask' : 'brief';
  if (title.startsWith('Sources in the store')) return 'sources';
  if (!footer.startsWith('offline extractive')) return `${what} llm`;
  // The notices of compose-error.ts `fallbackNotice`, as rendered (escaped, in italics) above the points.
  const description = String(embed.description ?? '');
  if (/The model is busy/.test(description)) return `${what} extractive: model busy`;
  if (/model budget/.test(description)) return `${what} extractive: over budget`;
  if (/showing the offline extractive/.test(description)) return `${what} extractive fallback: model failed`;
  return `${what} extractive`;
}

/** The final answer: a refusal or failure anywhere wins; otherwise the last edit or reply, else the last follow-up. */
function finalAnswer(shown: readonly Shown[]): { kind: string; at: number } | undefined {
  const kinds = shown.map((message) => ({ kind: kindOf(message.body), at: message.at }));
  const refusal = kinds.findLast((entry) => /^(rate-limited|busy|error)/.test(entry.kind));
  if (refusal) return refusal;
  const primary = kinds.filter((_, i) => shown[i]!.via !== 'follow-up').at(-1) ?? kinds.at(-1);
  return primary && primary.kind !== 'interim' ? primary : undefined;
}

/** Each Discord request, named for what it did for the member. */
function requestKind(req: RecordedRequest): string {
  const body = isJson(req.body) ? req.body : {};
  if (req.path.endsWith('/callback')) return Number(body.type) === 5 ? 'callback: defer' : `callback: type ${String(body.type)}`;
  if (req.path.endsWith('/messages/@original')) {
    if (req.method !== 'PATCH') return `${req.method} @original`;
    return kindOf(body) === 'interim' ? 'edit: queue position' : 'edit: answer';
  }
  if (req.method === 'POST' && req.path.startsWith('/webhooks/')) return 'follow-up';
  return `${req.method} ${req.path.replace(/\d{17,20}/g, ':id')}`;
}

/** The double's requests grouped by interaction token, read on from where the last call stopped. */
function requestsByToken(double: DiscordDouble): () => ReadonlyMap<string, RecordedRequest[]> {
  const groups = new Map<string, RecordedRequest[]>();
  let read = 0;
  return () => {
    for (; read < double.requests.length; read++) {
      const req = double.requests[read]!;
      const token = tokenOf(req.path);
      if (token) groups.set(token, [...(groups.get(token) ?? []), req]);
    }
    return groups;
  };
}

const tally = (values: readonly string[]): Record<string, number> =>
  Object.fromEntries([...values.reduce((counts, value) => counts.set(value, (counts.get(value) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]));
const ms = (value: number, digits = 0) => round(value, digits);

// ---- the run ----------------------------------------------------------------------------------------------

const started = performance.now();
const dataDir = await mkdtemp(join(tmpdir(), 'briefing-load-'));
const logCounts = new Map<string, number>();
const log = countingLogger(logCounts);
let peakRss = process.memoryUsage().rss;
const rssSampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const model = await startOpenAiDouble();
const latency = seededRandom(PLAN.seed + 1);
// Every completion is scripted: the careful default answer after 1–3 s. Twice the commands covers retries and repairs.
model.script(...Array.from({ length: PLAN.commands * 2 }, () => reply.slow(randomInt(latency, ...PLAN.llmLatencyMs), reply.carefulPlus())));
const double = await DiscordDouble.start({ token: TOKEN, ackWindowMs: PLAN.ackLimitMs, guilds: Array.from({ length: PLAN.guilds }, () => ({})) });
const config = loadConfig({
  DATA_DIR: dataDir, LOG_LEVEL: 'warn', DISCORD_TOKEN: TOKEN, DISCORD_API_URL: double.apiBase,
  OPENAI_API_KEY: 'test', OPENAI_BASE_URL: model.baseURL, BRIEF_MODEL: 'load-model',
  USER_COMMANDS_PER_MINUTE: String(PLAN.userCommandsPerMinute), GUILD_COMMANDS_PER_MINUTE: String(PLAN.guildCommandsPerMinute),
  ...(cache ? {} : { LLM_CACHE_TTL_MINUTES: '0' }),
});
let bot: Bot | undefined;
let app: App | undefined;
try {
  progress('seeding the sample corpus and logging the bot in');
  app = await createApp(config, log);
  bot = await startBot(config, app, log, { waitGuildTimeout: 1_000 }); // production REST settings: no overrides
  const commands = schedule(await evalQuestions());
  const setupMs = performance.now() - started;

  // When the client emits each interaction, to split an acknowledgement into gateway delivery and the bot's own work.
  const emittedAt = new Map<string, number>();
  bot.client.on(Events.InteractionCreate, (interaction) => void emittedAt.set(interaction.id, performance.now()));
  // Requests discord.js held back for its own rate limits (its global 50/s cap, or a route's bucket).
  const heldBack: string[] = [];
  bot.client.rest.on(RESTEvents.RateLimited, (info) => void heldBack.push(info.global ? 'global 50/s cap' : info.route));

  progress(`sending ${commands.length} commands over ${PLAN.spreadMs / 1000} s`);
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const channelOf = double.guildIds.map((guildId) => double.channelIds(guildId)[0]!);
  const sent: Sent[] = [];
  const sendStart = performance.now();
  for (const command of commands) {
    const wait = sendStart + command.at - performance.now();
    if (wait > 0) await sleep(wait);
    const channelId = channelOf[command.guild]!;
    sent.push({ ...double.chatInput(command.name, command.options, { userId: command.userId, channelId }), command: command.name });
  }
  const sendMs = performance.now() - sendStart;
  const burstCpu = process.cpuUsage(cpuBefore);

  progress(`waiting up to ${PLAN.answerDeadlineMs / 1000} s for every answer`);
  const grouped = requestsByToken(double);
  const pending = new Set(sent);
  const deadline = performance.now() + PLAN.answerDeadlineMs;
  while (pending.size > 0 && performance.now() < deadline) {
    await sleep(250);
    const groups = grouped();
    for (const ix of pending) if (finalAnswer(shownMessages(groups.get(ix.token) ?? []))) pending.delete(ix);
  }
  loopDelay.disable();
  await Promise.race([bot.idle(), sleep(2_000)]);
  clearInterval(rssSampler);

  // ---- results --------------------------------------------------------------------------------------------

  const groups = grouped();
  const results = sent.map((ix) => {
    const requests = groups.get(ix.token) ?? [];
    const callback = requests.find((req) => req.path.endsWith('/callback'));
    const answer = finalAnswer(shownMessages(requests));
    const emitted = emittedAt.get(ix.id);
    return {
      command: ix.command,
      deliverMs: emitted === undefined ? undefined : emitted - ix.sentAt,
      handleMs: emitted === undefined || !callback ? undefined : callback.at - emitted,
      firstCallbackMs: callback ? callback.at - ix.sentAt : undefined,
      answer: answer?.kind,
      answerMs: answer ? answer.at - ix.sentAt : undefined,
      answeredAt: answer ? answer.at - sendStart : undefined,
    };
  });
  const defined = (values: readonly (number | undefined)[]) => values.filter((value): value is number => value !== undefined);
  const split = (values: readonly (number | undefined)[]) => {
    const p = percentiles(defined(values));
    return { p50: ms(p.p50, 1), p95: ms(p.p95, 1) };
  };
  const acks = double.ackLatencies();
  const ack = percentiles(acks);
  const ackMax = Math.max(...acks);
  const answersByKind = tally(results.flatMap((r) => (r.answer ? [r.answer] : [])));
  const unanswered = results.filter((r) => r.answer === undefined);
  const discordFailures = double.requests.filter((req) => req.status >= 400).map((req) => `Discord answered ${req.status} to ${requestKind(req)}`);
  const report = {
    plan: { ...PLAN, llmCache: cache, llmConcurrency: config.LLM_CONCURRENCY, llmQueueMax: config.LLM_QUEUE_MAX, openAiTimeoutSeconds: config.OPENAI_TIMEOUT_SECONDS, openAiMaxRetries: config.OPENAI_MAX_RETRIES },
    sent: sent.length,
    byCommand: tally(sent.map((ix) => ix.command)),
    members: new Set(commands.map((command) => command.userId)).size,
    byGuild: commands.reduce((counts, command) => counts.map((count, guild) => count + (guild === command.guild ? 1 : 0)), new Array<number>(PLAN.guilds).fill(0)),
    acknowledged: acks.length,
    ackMs: { p50: ms(ack.p50, 1), p95: ms(ack.p95, 1), max: ms(ackMax, 1), allUnderLimit: acks.length === sent.length && ackMax < PLAN.ackLimitMs },
    lateOrMissingAcks: results.filter((r) => r.firstCallbackMs === undefined || r.firstCallbackMs >= PLAN.ackLimitMs).length,
    ackSplitMs: { gatewayToEvent: split(results.map((r) => r.deliverMs)), eventToCallback: split(results.map((r) => r.handleMs)) },
    unanswered: unanswered.length,
    unansweredByCommand: tally(unanswered.map((r) => r.command)),
    answersByKind,
    answerMs: Object.keys(answersByKind).map((kind) => {
      const times = defined(results.filter((r) => r.answer === kind).map((r) => r.answerMs));
      const p = percentiles(times);
      return { kind, count: times.length, p50: ms(p.p50), p95: ms(p.p95), max: ms(Math.max(...times)) };
    }),
    errors: { ...tally(results.flatMap((r) => (r.answer?.startsWith('error') ? [r.answer] : []))), ...tally(discordFailures), ...Object.fromEntries(logCounts) },
    discord: {
      requests: double.requests.length, byKind: tally(double.requests.map(requestKind)), heldBackByClient: tally(heldBack),
      violations: double.violations.length, unmatched: double.unmatched.length,
    },
    modelCalls: model.requests.filter((req) => req.path === '/v1/chat/completions').length,
    burstCpuPercent: ms(((burstCpu.user + burstCpu.system) / 1000 / sendMs) * 100),
    eventLoopDelayMs: { p50: ms(loopDelay.percentile(50) / 1e6, 1), p99: ms(loopDelay.percentile(99) / 1e6, 1), max: ms(loopDelay.max / 1e6, 1) },
    wallMs: {
      setup: ms(setupMs), sending: ms(sendMs),
      firstCommandToLastAnswer: ms(Math.max(0, ...defined(results.map((r) => r.answeredAt)))), total: ms(performance.now() - started),
    },
    peakRssMB: ms(peakRss / 2 ** 20),
    maxRssMB: ms(process.resourceUsage().maxRSS / 1024),
  };
  const { plan } = report;
  const indented = (counts: Record<string, number>) => Object.entries(counts).map(([kind, count]): [string, number] => [`  ${kind}`, count]);
  out(`briefing-bot load · node ${process.version} · seed ${plan.seed} · LLM cache ${plan.llmCache ? 'on' : 'off (--cache turns it on)'}\n`);
  out(`${report.sent} commands (${Object.entries(report.byCommand).map(([name, count]) => `${count} /${name}`).join(', ')}) from ${report.members} members of ${PLAN.guilds} guilds (${report.byGuild.join(' + ')}) ` +
    `in ${ms(report.wallMs.sending / 1000, 1)} s; the model double takes ${plan.llmLatencyMs.map((t) => t / 1000).join('–')} s per completion; ` +
    `LLM_CONCURRENCY ${plan.llmConcurrency}, LLM_QUEUE_MAX ${plan.llmQueueMax}, USER_COMMANDS_PER_MINUTE ${plan.userCommandsPerMinute}, ` +
    `GUILD_COMMANDS_PER_MINUTE ${plan.guildCommandsPerMinute}\n`);
  out(table('acknowledgement: INTERACTION_CREATE written → first 2xx callback, ms', ['measure', 'value'], [
    ['commands sent', report.sent],
    ['acknowledged', report.acknowledged],
    ['p50 / p95 / max', `${report.ackMs.p50} / ${report.ackMs.p95} / ${report.ackMs.max}`],
    [`every ack < ${plan.ackLimitMs} ms`, report.ackMs.allUnderLimit ? 'yes' : 'NO'],
    [`late or missing (the double refuses a first callback after ${plan.ackLimitMs / 1000} s)`, report.lateOrMissingAcks],
    ['part 1: written → client emits interactionCreate, p50 / p95', `${report.ackSplitMs.gatewayToEvent.p50} / ${report.ackSplitMs.gatewayToEvent.p95}`],
    ['part 2: interactionCreate → callback received, p50 / p95', `${report.ackSplitMs.eventToCallback.p50} / ${report.ackSplitMs.eventToCallback.p95}`],
  ]));
  const zeroRows = ['rate-limited', 'error'].filter((kind) => !report.answerMs.some((t) => t.kind.startsWith(kind))).map((kind) => [kind, 0, '—', '—', '—']);
  out(table(`final answers (waited up to ${plan.answerDeadlineMs / 1000} s after the last command), ms after sending`, ['kind', 'count', 'p50', 'p95', 'max'], [
    ...report.answerMs.map((t) => [t.kind, t.count, t.p50, t.p95, t.max]),
    ...zeroRows,
    [`unanswered (must be 0)${report.unanswered > 0 ? `: ${Object.entries(report.unansweredByCommand).map(([name, count]) => `${count} /${name}`).join(', ')}` : ''}`, report.unanswered, '—', '—', '—'],
  ]));
  const errors = Object.entries(report.errors);
  out(table('errors and warnings, by kind (failure replies, Discord 4xx/5xx, bot log lines)', ['kind', 'count'], errors.length > 0 ? errors : [['none', 0]]));
  out(table('run', ['measure', 'value'], [
    ['model calls', report.modelCalls],
    ['Discord requests (limit violations, unmatched)', `${report.discord.requests} (${report.discord.violations}, ${report.discord.unmatched})`],
    ...indented(report.discord.byKind),
    ['requests discord.js held back for its own rate limits', Object.values(report.discord.heldBackByClient).reduce((a, b) => a + b, 0)],
    ...indented(report.discord.heldBackByClient),
    ['CPU while sending, % of one core (bot and both doubles share this process)', report.burstCpuPercent],
    ['event-loop delay p50 / p99 / max, ms', `${report.eventLoopDelayMs.p50} / ${report.eventLoopDelayMs.p99} / ${report.eventLoopDelayMs.max}`],
    ['setup s (seed the corpus, log in)', report.wallMs.setup / 1000],
    ['first command → last final answer s', report.wallMs.firstCommandToLastAnswer / 1000],
    ['total wall s', report.wallMs.total / 1000],
    ['peak RSS MB (sampled every 50 ms)', report.peakRssMB],
    ['max RSS MB (getrusage)', report.maxRssMB],
  ]));
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = report.unanswered > 0 || !report.ackMs.allUnderLimit ? 1 : 0;
} finally {
  clearInterval(rssSampler);
  await bot?.stop();
  await app?.close();
  await double.stop();
  await model.close();
  await rm(dataDir, { recursive: true, force: true });
}
