import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, secretScrubber } from '../../src/log.ts';

// Shaped like the real thing, so the shape rules are exercised as well as the configured values.
const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
const OPENAI_API_KEY = 'sk-proj-Zq8vN3xY7wK2mP5rT9uL1aB4cD6eF0gH';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OkxvbmdJbnRlcmFjdGlvblRva2VuWFlaMTIz';
const UNPASSED_KEY = 'some-other-api-key-value-nobody-passed-in';

class FakeDiscordAPIError extends Error {
  override name = 'DiscordAPIError[10062]';
  constructor(
    message: string,
    readonly url: string,
    readonly requestBody: { json: unknown },
    readonly method = 'PATCH',
  ) {
    super(message);
  }
}

describe('log redaction', () => {
  let dir: string;
  let file: string;
  const logged = async () => readFile(file, 'utf8');
  const lines = async () => (await logged()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const logger = () => createLogger('debug', 2, { secrets: [DISCORD_TOKEN, OPENAI_API_KEY, undefined], destination: pino.destination({ dest: file, sync: true }) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'briefing-log-'));
    file = join(dir, 'log.ndjson');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('GIVEN tokens, keys, headers, a Discord error and the config THEN the log file holds none of the secrets and every other field', async () => {
    const log = logger();
    const webhook = `https://discord.com/api/v10/webhooks/123456789012345678/${INTERACTION_TOKEN}/messages/@original`;
    log.info({ token: DISCORD_TOKEN, apiKey: UNPASSED_KEY, guildId: '42', headers: { Authorization: `Bot ${DISCORD_TOKEN}`, 'X-Api-Key': UNPASSED_KEY, accept: 'application/json' } }, 'request');
    log.error(
      { err: new FakeDiscordAPIError(`Unknown interaction (token ${DISCORD_TOKEN})`, webhook, { json: { content: 'hello', interactionToken: INTERACTION_TOKEN } }), command: 'brief' },
      'command failed',
    );
    log.warn({ config: { DISCORD_TOKEN, OPENAI_API_KEY, LOG_LEVEL: 'debug', CONTEXT_TOKEN_BUDGET: 6000, nested: { deeper: { client_secret: UNPASSED_KEY } } } }, 'config loaded');
    log.child({ module: 'openai', authorization: `Bearer ${OPENAI_API_KEY}` }).info(`calling the model with ${OPENAI_API_KEY}`);
    log.info({ cause: new Error(`POST /interactions/987654321098765432/${INTERACTION_TOKEN}/callback failed`) }, 'nested error under another key');

    const text = await logged();
    for (const secret of [DISCORD_TOKEN, OPENAI_API_KEY, INTERACTION_TOKEN, UNPASSED_KEY]) expect(text).not.toContain(secret);
    // The parts that are not secret survive.
    const [request, failure, config, model, nested] = await lines();
    expect(request).toMatchObject({ msg: 'request', guildId: '42', token: '[redacted]', apiKey: '[redacted]', headers: { Authorization: '[redacted]', accept: 'application/json' } });
    expect(failure).toMatchObject({
      msg: 'command failed',
      command: 'brief',
      err: {
        type: 'FakeDiscordAPIError',
        message: 'Unknown interaction (token [redacted])',
        method: 'PATCH',
        url: 'https://discord.com/api/v10/webhooks/123456789012345678/[redacted]/messages/@original',
        requestBody: { json: { content: 'hello', interactionToken: '[redacted]' } },
      },
    });
    expect(failure?.err).toHaveProperty('stack', expect.stringContaining('log-redaction.test.ts'));
    expect(config).toMatchObject({ config: { DISCORD_TOKEN: '[redacted]', OPENAI_API_KEY: '[redacted]', LOG_LEVEL: 'debug', CONTEXT_TOKEN_BUDGET: 6000, nested: { deeper: { client_secret: '[redacted]' } } } });
    expect(model).toMatchObject({ module: 'openai', authorization: '[redacted]', msg: 'calling the model with [redacted]' });
    expect(nested).toMatchObject({ cause: { message: 'POST /interactions/987654321098765432/[redacted]/callback failed' } });
  });

  it('GIVEN a cyclic object THEN it is logged with the cycle marked instead of throwing', async () => {
    const log = logger();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    log.info({ cyclic }, 'cycle');
    expect((await lines())[0]).toMatchObject({ cyclic: { name: 'loop', self: '[Circular]' } });
  });

  it('GIVEN the two-argument call THEN createLogger still works as before', () => {
    expect(createLogger('silent', 2).level).toBe('silent');
  });

  it('GIVEN a password in a store URL THEN only the password is replaced', () => {
    const scrub = secretScrubber([]);
    expect(scrub('connecting to redis://:hunter2pass@cache.internal:6379/0')).toBe('connecting to redis://:[redacted]@cache.internal:6379/0');
    expect(scrub('see https://example.com/feeds/rss.xml at 10:00')).toBe('see https://example.com/feeds/rss.xml at 10:00');
  });

  it('GIVEN a short or blank configured value THEN it is ignored rather than garbling every line', () => {
    expect(secretScrubber(['info', ' ', undefined])('level info')).toBe('level info');
  });
});
