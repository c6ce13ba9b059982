/**
 * Errors that mean "the store cannot be reached right now" rather than "this request is wrong": Redis down,
 * restarting or timing out, and SQLite locked or unopenable. Matched on error class names, messages and codes
 * (not on the classes themselves, so this module needs neither @redis/client nor sqlite3 at runtime).
 */

/** node-redis (@redis/client) classes thrown while it has no usable connection. */
const REDIS_CLASSES = new Set([
  'ClientClosedError', // "The client is closed": a command after close/destroy
  'ClientOfflineError', // "The client is offline": a command while reconnecting, with disableOfflineQueue
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError',
  'RootNodesUnavailableError',
  'DisconnectsClientError',
]);

const MESSAGES = [
  /^The client is (closed|offline)$/,
  /^Socket closed unexpectedly$/,
  /^Connection timeout$/,
  // @keyv/redis with throwOnConnectError, and its connectionTimeout race
  /^Redis client is not connected or has failed to connect/,
  /^Redis timed out after \d+ms$/,
];

/** Node's socket errors, and SQLite's "try again later" and "cannot open" result codes (sqlite3 puts them on `code`). */
const CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL))$/;

/** How deep to follow `cause` and AggregateError's `errors`; wrappers are shallow, and cycles must end. */
const MAX_DEPTH = 5;

function matches(err: object): boolean {
  const { message, code, constructor } = err as { message?: unknown; code?: unknown; constructor?: { name?: unknown } };
  if (typeof constructor?.name === 'string' && REDIS_CLASSES.has(constructor.name)) return true;
  if (typeof code === 'string' && CODES.test(code)) return true;
  return typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message));
}

/** True when `err`, or an error it wraps (`cause`, AggregateError), says the store is unreachable right now. */
export function isStorageUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > MAX_DEPTH) return false;
  if (matches(err)) return true;
  const { cause, errors } = err as { cause?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.some((inner) => isStorageUnavailable(inner, depth + 1))) return true;
  return isStorageUnavailable(cause, depth + 1);
}
