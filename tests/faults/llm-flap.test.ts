// The model flaps: 500s, timeouts, 429s with Retry-After and invalid JSON, between successes, across /brief
// and /ask through the real bot. Every interaction must end in an answer: the model's, or the extractive one
// with the notice saying why (compose-error.ts `fallbackNotice`). OPENAI_MAX_RETRIES is 1, so each failure is
// scripted twice (the request and its retry) and "fails once, then succeeds" shows the retry working.
import { describe, expect } from 'vitest';
import { fallbackNotice, type ComposeFailureCode } from '../../src/compose/compose-error.ts';
import { escapeMarkdown } from '../../src/render/discord-embeds.ts';
import { isJson, type DiscordDouble, type Json } from '../support/discord-double.ts';
import { reply, type OpenAiDouble, type Scripted } from '../support/openai-double.ts';
import { bodyOf, editOf, embedsOf, followUpOf, testWithModel } from '../discord/bot-fixture.ts';

const MODEL = 'flap-model';
const TIMEOUT_SECONDS = 1.2;
/** Longer than OPENAI_TIMEOUT_SECONDS, so the SDK gives up on it. */
const SLOW_MS = 3_000;
const QUESTION = 'When did Xi visit Pyongyang?';

const test = testWithModel.override({
  appEnv: [
    async ({ model }, use) => use({
      OPENAI_API_KEY: 'test', OPENAI_BASE_URL: model.baseURL, BRIEF_MODEL: MODEL,
      OPENAI_MAX_RETRIES: '1', OPENAI_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
      // A cached success would answer later steps without asking the model, and the script would drift.
      LLM_CACHE_TTL_MINUTES: '0',
    }),
    { scope: 'file' },
  ],
});

type Step = { what: string; command: 'brief' | 'ask'; script: Scripted[]; outcome: 'llm' | ComposeFailureCode };
const ok = reply.carefulPlus(); // the careful default answer, scripted so the queue stays in step

const STEPS: Step[] = [
  { what: 'a success', command: 'brief', script: [ok], outcome: 'llm' },
  { what: '500, and 500 again on the retry', command: 'brief', script: [reply.serverError(500), reply.serverError(500)], outcome: 'server-error' },
  { what: 'a success', command: 'ask', script: [ok], outcome: 'llm' },
  { what: 'no answer within the timeout, twice', command: 'brief', script: [reply.slow(SLOW_MS), reply.slow(SLOW_MS)], outcome: 'timeout' },
  { what: '503, then a success on the retry', command: 'brief', script: [reply.serverError(503), ok], outcome: 'llm' },
  { what: '429 with Retry-After, twice', command: 'ask', script: [reply.rateLimited(0.1), reply.rateLimited(0.1)], outcome: 'rate-limited' },
  { what: 'a success', command: 'brief', script: [ok], outcome: 'llm' },
  { what: 'invalid JSON, and again after the repair request', command: 'brief', script: [reply.malformed(), reply.malformed()], outcome: 'bad-output' },
  { what: '429 with Retry-After, then a success on the retry', command: 'ask', script: [reply.rateLimited(0.1), ok], outcome: 'llm' },
  { what: 'invalid JSON, and again after the repair request', command: 'ask', script: [reply.malformed(), reply.malformed()], outcome: 'bad-output' },
  { what: '500, and 500 again on the retry', command: 'ask', script: [reply.serverError(500), reply.serverError(500)], outcome: 'server-error' },
  { what: 'a success', command: 'brief', script: [ok], outcome: 'llm' },
];

const chatCalls = (model: OpenAiDouble) => model.requests.filter((req) => req.path === '/v1/chat/completions').length;

/** The last message the member was left with: the final successful edit of the deferred reply. */
function finalEmbed(double: DiscordDouble, token: string): Json {
  const edits = double.requests.filter((req) => editOf(token)(req) && req.status === 200);
  const embed = embedsOf(bodyOf(edits.at(-1)!))[0];
  if (!embed) throw new Error(`the final edit for ${token} has no embed`);
  return embed;
}
const footerOf = (embed: Json) => (isJson(embed.footer) ? String(embed.footer.text) : '');

describe('the model flaps between failures and successes', () => {
  test('GIVEN failures between successes THEN every /brief and /ask is answered: by the model, or extractively with the reason', async ({ connect, model }) => {
    const { double, bot, app } = await connect();
    const before = await app.sources();
    const seen: { what: string; command: string; outcome: string; footer: string; calls: number }[] = [];

    for (const step of STEPS) {
      const calls = chatCalls(model);
      model.script(...step.script);
      const ix = step.command === 'brief'
        ? double.chatInput('brief', { topic: 'china-dprk' })
        : double.chatInput('ask', { question: QUESTION });
      await double.waitForRequest((req) => editOf(ix.token)(req) && req.status === 200, 15_000);
      await bot.idle();

      expect(double.requests.filter(followUpOf(ix.token)), `${step.what}: no private error follow-up`).toEqual([]);
      const embed = finalEmbed(double, ix.token);
      const description = String(embed.description ?? '');
      expect(String(embed.title)).toMatch(step.command === 'brief' ? /^China–DPRK relations: / : /^Q: When did Xi visit Pyongyang\?$/);
      if (step.outcome === 'llm') {
        expect(footerOf(embed), step.what).toMatch(new RegExp(`^${MODEL} · as of \\d{4}-\\d{2}-\\d{2}$`));
        expect(description, step.what).not.toContain('showing the offline extractive');
      } else {
        expect(footerOf(embed), step.what).toMatch(/^offline extractive · as of \d{4}-\d{2}-\d{2}$/);
        expect(description, step.what).toContain(`*${escapeMarkdown(fallbackNotice(step.outcome, step.command, step.outcome === 'server-error' ? 500 : undefined))}*`);
        expect(description).toMatch(/\n1\. /); // the extractive points follow the notice
      }
      seen.push({ what: step.what, command: step.command, outcome: step.outcome, footer: footerOf(embed).split(' · ')[0]!, calls: chatCalls(model) - calls });
    }

    // Each step used exactly its script: one call for a plain success, two for a retry or a repair.
    expect(seen.map((s) => s.calls)).toEqual(STEPS.map((step) => step.script.length));
    expect(seen.map((s) => `${s.command} ${s.outcome}: ${s.footer}`)).toMatchInlineSnapshot(`
      [
        "brief llm: flap-model",
        "brief server-error: offline extractive",
        "ask llm: flap-model",
        "brief timeout: offline extractive",
        "brief llm: flap-model",
        "ask rate-limited: offline extractive",
        "brief llm: flap-model",
        "brief bad-output: offline extractive",
        "ask llm: flap-model",
        "ask bad-output: offline extractive",
        "ask server-error: offline extractive",
        "brief llm: flap-model",
      ]
    `);
    expect(double.unacknowledged()).toEqual([]);
    expect((await app.sources()).articles).toBe(before.articles);
    expect(await app.sources()).toEqual(before);
  });
});
