import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export type LogOptions = {
  /**
   * Values that must never reach a log line, wherever they turn up (message, bindings, an error's
   * stack): pass config.DISCORD_TOKEN and config.OPENAI_API_KEY. Unset entries are ignored, and so
   * are values under 8 characters, which are no real credential and would garble every line.
   */
  secrets?: readonly (string | undefined)[];
  /** Where lines go instead of `fd` (tests capture them here). Never pretty-printed. */
  destination?: DestinationStream;
};

const REDACTED = '[redacted]';
const MIN_SECRET_LENGTH = 8;
/** Past this depth a logged object is cut: log lines are for people, and this keeps a cycle-free walk cheap. */
const MAX_DEPTH = 8;

/**
 * Keys whose values are credentials at any depth, compared without case, `-` or `_`: token,
 * DISCORD_TOKEN, accessToken, apiKey, OPENAI_API_KEY, Authorization, x-api-key, cookie, password.
 * "tokens" and CONTEXT_TOKEN_BUDGET are counts and stay.
 */
const SECRET_KEY = /(token|apikey|authorization|cookie|password|secret|privatekey)$/;
const isSecretKey = (key: string) => SECRET_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));

/**
 * Credentials recognised by their shape, for those nobody passed in: interaction and webhook
 * tokens in Discord URL paths (/webhooks/{appId}/{token}/messages/@original, /interactions/{id}/{token}/callback),
 * passwords in URLs (redis://:pass@host, as STORE_URL may hold), `Bot …` and `Bearer …` header values, Discord bot tokens and OpenAI-style keys.
 */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'\\]+/g, `$1${REDACTED}`],
  [/(\b[a-z][\w+.-]*:\/\/[^:/?#@\s"'\\]*:)[^@/?#\s"'\\]+@/gi, `$1${REDACTED}@`],
  [/\b(Bot|Bearer)\s+[\w.~+/=-]{16,}/g, `$1 ${REDACTED}`],
  [/[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}/g, REDACTED],
  [/\bsk-[\w-]{16,}/g, REDACTED],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every configured secret (raw, and as JSON escapes it) and every
 * secret-shaped string in a text. Built once per logger: it runs on every line.
 */
export function secretScrubber(secrets: readonly (string | undefined)[] = []): (text: string) => string {
  const values = secrets.filter((secret): secret is string => secret !== undefined && secret.trim().length >= MIN_SECRET_LENGTH);
  // Longest first, so a secret that contains another is replaced whole.
  const forms = [...new Set(values.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const configured = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text) => {
    let scrubbed = configured ? text.replace(configured, REDACTED) : text;
    for (const [shape, replacement] of SECRET_SHAPES) scrubbed = scrubbed.replace(shape, replacement);
    return scrubbed;
  };
}

const isErrorLike = (value: object): value is Error => value instanceof Error || typeof (value as { message?: unknown }).message === 'string' && typeof (value as { stack?: unknown }).stack === 'string';

/**
 * A copy of a logged value with credential-named keys redacted at any depth. Errors anywhere become
 * pino's error shape (type, message, stack, and own fields such as DiscordAPIError's `url` and
 * `requestBody`), so their fields are walked too. Strings are left to `secretScrubber` on the whole line.
 */
function redactKeys(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (!isErrorLike(value) && typeof toJSON === 'function') return redactKeys(toJSON.call(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth + 1, seen));
    const fields = isErrorLike(value) ? { ...pino.stdSerializers.err(value) } : value;
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const secret = isSecretKey(key) && field !== null && field !== undefined && typeof field !== 'number' && typeof field !== 'boolean';
      copy[key] = secret ? REDACTED : redactKeys(field, depth + 1, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

/**
 * Child loggers' bindings skip `formatters` (pino resets the bindings formatter for children), but
 * not `redact`: these names are covered there, at the top level and one level down.
 */
const BINDING_KEYS = ['token', 'accessToken', 'interactionToken', 'webhookToken', 'apiKey', 'api_key', 'authorization', 'Authorization', 'cookie', 'password', 'secret', 'DISCORD_TOKEN', 'OPENAI_API_KEY'];
const REDACT_PATHS = BINDING_KEYS.flatMap((key) => [key, `*.${key}`]);

/** The pino options that keep credentials out of every line this logger and its children write. */
function redactingOptions(level: string, secrets: readonly (string | undefined)[]): LoggerOptions {
  return {
    level,
    base: undefined,
    // Errors are serialized (and redacted) by redactKeys; pino's own serializer would re-type them as "Object".
    serializers: { err: (value: unknown) => value },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: { log: (object) => redactKeys(object) as Record<string, unknown> },
    // Last line of defence, on the finished JSON: messages, bindings and stacks all pass through here.
    hooks: { streamWrite: secretScrubber(secrets) },
  };
}

/** The root logger. The CLI writes to stderr (fd 2) so stdout carries only the output. */
export function createLogger(level: string, fd: 1 | 2 = 2, options: LogOptions = {}): Logger {
  const settings = redactingOptions(level, options.secrets ?? []);
  if (options.destination) return pino(settings, options.destination);
  const pretty = process.stderr.isTTY && fd === 2;
  return pino(
    settings,
    pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'time' } })
      : pino.destination({ fd, sync: true }),
  );
}

/** For tests and benchmarks: nothing is written. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
