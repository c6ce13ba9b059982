import { Cron, CronPattern } from 'croner';
import { z } from 'zod';
import { fail, ok, type Result } from '../model.ts';

const TIME_HINT = 'time must be HH:MM in 24-hour form, e.g. 08:00';
const CRON_FIELDS = 'five fields: minute hour day-of-month month day-of-week, e.g. `0 8 * * 1-5` for 08:00 on weekdays';

/** A wall-clock time in the subscription's timezone, 'HH:MM' in 24-hour form. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, TIME_HINT);
export type LocalTime = z.infer<typeof LocalTime>;

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday',
};

/** Shown between backticks, so a stray backtick in what a member typed cannot break the formatting. */
const quoted = (expr: string) => `\`${expr.replaceAll('`', '')}\``;

/**
 * Why a cron expression cannot drive a digest, or undefined if it can. Kept cheap (a parse, no search)
 * because the schema runs it on every subscription read.
 */
function cronProblem(expr: string): string | undefined {
  // Croner also takes 6 and 7 fields and @nicknames; stored cadences stay plain five-field cron.
  if (expr.includes('@') || expr.trim().split(/\s+/).length !== 5) return `${quoted(expr)} is not a cron expression: it needs ${CRON_FIELDS}.`;
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(expr, undefined, { mode: '5-part' });
  } catch (err) {
    // Croner's own words ("Invalid value for hour: 25") are specific enough to pass on, lightly trimmed.
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/, '').replace(/\.$/, '');
    return `${quoted(expr)} is not a valid cron expression (${reason.charAt(0).toLowerCase()}${reason.slice(1)}). It needs ${CRON_FIELDS}.`;
  }
  // With one minute value, two runs are at least an hour apart on the local clock; a second value brings them closer.
  if (pattern.minute.filter((flag) => flag !== 0).length > 1) {
    return `${quoted(expr)} runs more than once an hour; digests run at most hourly, so give the minute field one value, e.g. \`0 * * * *\`.`;
  }
  return undefined;
}

const CronExpr = z.string().superRefine((expr, ctx) => {
  const problem = cronProblem(expr);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const Cadence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), time: LocalTime }),
  z.object({ kind: z.literal('weekly'), weekday: Weekday, time: LocalTime }),
  z.object({ kind: z.literal('cron'), expr: CronExpr }), // 5-field cron, at most hourly; read in the subscription's timezone
]);
export type Cadence = z.infer<typeof Cadence>;

/** What /subscribe hands over: Discord option values, any of which may be missing. */
export type CadenceInput = {
  cadence: string;
  time?: string | null;
  weekday?: string | null;
  cron?: string | null;
};

/** Accepts "8:00" as well as "08:00", since people type it that way; stores the padded form. */
function parseTime(time: string | null | undefined, kind: 'daily' | 'weekly'): Result<LocalTime, string> {
  if (!time?.trim()) return fail(`A ${kind} digest needs a time: ${TIME_HINT}.`);
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  const padded = match ? `${match[1]!.padStart(2, '0')}:${match[2]!}` : '';
  return LocalTime.safeParse(padded).success ? ok(padded) : fail(`"${time.trim()}" is not a time I can use: ${TIME_HINT}.`);
}

/** Accepts "mon", "Monday" or "MONDAY". */
function parseWeekday(weekday: string | null | undefined): Result<Weekday, string> {
  const days = Weekday.options.join(', ');
  if (!weekday?.trim()) return fail(`A weekly digest needs a weekday: one of ${days}.`);
  const parsed = Weekday.safeParse(weekday.trim().toLowerCase().slice(0, 3));
  const whole = parsed.success && WEEKDAY_NAMES[parsed.data].toLowerCase().startsWith(weekday.trim().toLowerCase());
  return parsed.success && whole ? ok(parsed.data) : fail(`"${weekday.trim()}" is not a weekday: use one of ${days}.`);
}

function parseCron(cron: string | null | undefined): Result<Cadence, string> {
  const expr = cron?.trim().split(/\s+/).join(' ') ?? '';
  if (!expr) return fail(`A cron cadence needs a cron expression: ${CRON_FIELDS}.`);
  const problem = cronProblem(expr);
  if (problem) return fail(problem);
  // Checked here rather than in the schema: it can take a search to the year 3000 to prove.
  const ever = new Cron(expr, { mode: '5-part', timezone: 'UTC', paused: true }).nextRun(new Date(Date.UTC(2000, 0, 1)));
  if (!ever) return fail(`${quoted(expr)} never runs: no calendar date matches it.`);
  return ok({ kind: 'cron', expr });
}

/**
 * Turns /subscribe's options into a cadence, or a sentence saying what to fix. Options that do not apply
 * to the chosen cadence are ignored (the command always asks for a time, which cron does not use).
 *
 * @example parseCadenceInput({ cadence: 'weekly', time: '8:00', weekday: 'mon' }) // ok({ kind: 'weekly', weekday: 'mon', time: '08:00' })
 */
export function parseCadenceInput(input: CadenceInput): Result<Cadence, string> {
  switch (input.cadence) {
    case 'daily': {
      const time = parseTime(input.time, 'daily');
      return time.ok ? ok({ kind: 'daily', time: time.value }) : time;
    }
    case 'weekly': {
      const weekday = parseWeekday(input.weekday);
      if (!weekday.ok) return weekday;
      const time = parseTime(input.time, 'weekly');
      return time.ok ? ok({ kind: 'weekly', weekday: weekday.value, time: time.value }) : time;
    }
    case 'cron':
      return parseCron(input.cron);
    default:
      return fail(`"${input.cadence}" is not a cadence: use daily, weekly or cron.`);
  }
}

/** For replies and lists: "daily at 08:00", "weekly on Monday at 08:00", "cron `0 8 * * 1-5`". */
export function describeCadence(cadence: Cadence): string {
  switch (cadence.kind) {
    case 'daily': return `daily at ${cadence.time}`;
    case 'weekly': return `weekly on ${WEEKDAY_NAMES[cadence.weekday]} at ${cadence.time}`;
    case 'cron': return `cron ${quoted(cadence.expr)}`;
  }
}
