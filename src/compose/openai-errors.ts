import {
  APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AuthenticationError, NotFoundError, PermissionDeniedError, RateLimitError,
} from 'openai';
import { ComposeError } from './compose-error.ts';

/**
 * The SDK's errors as our codes, once its own retries (429, 5xx, timeouts) are spent. Anything that is
 * not an SDK error is returned as it is: a bug, which withFallback still survives but logs as unexpected.
 */
export function toComposeError(err: unknown): unknown {
  if (err instanceof ComposeError || !(err instanceof APIError)) return err;
  const options = { cause: err };
  // Order matters: the timeout error is a connection error, and both are APIErrors without a status.
  if (err instanceof APIUserAbortError) return new ComposeError('aborted', 'The model request was aborted', undefined, options);
  if (err instanceof APIConnectionTimeoutError) return new ComposeError('timeout', 'The model request timed out (OPENAI_TIMEOUT_SECONDS)', undefined, options);
  if (err instanceof APIConnectionError) return new ComposeError('unreachable', `Could not connect to the model server: ${err.message}`, undefined, options);
  const status = err.status;
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) return new ComposeError('bad-key', `The model server rejected the API key (${status}): ${err.message}. Check OPENAI_API_KEY.`, status, options);
  if (err instanceof RateLimitError) return new ComposeError('rate-limited', `The model server is rate-limiting us (429): ${err.message}`, status, options);
  if (err instanceof NotFoundError) return new ComposeError('unknown-model', `The model server answered 404: ${err.message}. Check BRIEF_MODEL and OPENAI_BASE_URL.`, status, options);
  if (status !== undefined && status >= 500) return new ComposeError('server-error', `The model server failed (${status}): ${err.message}`, status, options);
  return new ComposeError('bad-request', `The model server refused the request (${status}): ${err.message}`, status, options);
}
