import OpenAI from 'openai';
import type { Config } from '../config.ts';

export type OpenAiSettings = Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_TIMEOUT_SECONDS' | 'OPENAI_MAX_RETRIES'>;

/**
 * The SDK client with our timeout and retries set explicitly: its defaults (10 minutes, 2 retries) are
 * too patient for a member waiting on /brief. Retries use the SDK's backoff and honour Retry-After.
 */
export function openAiClient(config: OpenAiSettings): OpenAI {
  if (!config.OPENAI_API_KEY) throw new Error('openAiClient needs OPENAI_API_KEY; without it the app uses the extractive composer.');
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    timeout: config.OPENAI_TIMEOUT_SECONDS * 1000,
    maxRetries: config.OPENAI_MAX_RETRIES,
  });
}
