import { BadRequestError, type OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Logger } from '../log.ts';
import { isoDay } from '../model.ts';
import { metrics } from '../ops/metrics.ts';
import { ComposeError } from './compose-error.ts';
import { unknownSourceId, type Composer, type ComposeOptions, type ComposeRequest } from './composer.ts';
import type { Claim, Draft } from './draft.ts';
import { languageRule } from './language.ts';
import type { Prompts } from './load-prompt.ts';
import { toComposeError } from './openai-errors.ts';
import { packContext } from './pack-context.ts';
import { modelPointsJsonSchema, parsePoints, type ModelPoints } from './parse-points.ts';

export type OpenAiComposerOptions = {
  /** Tokens for the numbered sources in one prompt (CONTEXT_TOKEN_BUDGET). */
  tokenBudget: number;
  isStateMedia: (outlet: string) => boolean;
};

type ResponseFormat = { type: 'json_schema'; json_schema: { name: string; strict: true; schema: Record<string, unknown> } } | { type: 'json_object' };
const STRUCTURED: ResponseFormat = { type: 'json_schema', json_schema: { name: 'brief_points', strict: true, schema: modelPointsJsonSchema() } };
const JSON_MODE: ResponseFormat = { type: 'json_object' };

const repairRequest = (problem: string) =>
  `Your reply could not be used: ${problem}. Reply again with only the JSON object {"points": [{"text": "...", "citations": [1]}]}, with the same points and no other text.`;

/**
 * Writes points with a chat model from the request's sources, packed as numbered blocks. Asks for
 * structured output; a server that refuses json_schema (400) is asked in JSON mode instead, from then on.
 * A reply that is not valid JSON gets one repair request, then a ComposeError('bad-output').
 */
export function openAiComposer(client: OpenAI, prompts: Pick<Prompts, 'brief' | 'ask' | 'digest'>, model: string, log: Logger, options: OpenAiComposerOptions): Composer {
  let format: ResponseFormat = STRUCTURED;

  const render = (request: ComposeRequest) => {
    const packed = packContext(request.sources, { budget: options.tokenBudget, isStateMedia: options.isStateMedia });
    const topic = request.topicTitle ?? 'the news we follow';
    const asOf = request.asOf ?? 'an unknown date';
    const language = languageRule(request.language);
    const period = `${request.period.since ?? 'the earliest report'} to ${request.period.until}`;
    const prompt = request.kind === 'ask'
      ? prompts.ask({ topic, asOf, question: request.question ?? '', language, sources: packed.text })
      : prompts[request.kind]({ topic, asOf, period, language, sources: packed.text });
    return { packed, prompt };
  };

  const complete = async (messages: ChatCompletionMessageParam[], call: ComposeOptions): Promise<string> => {
    const started = performance.now();
    try {
      const completion = await client.chat.completions.create({ model, messages, response_format: format }, { signal: call.signal });
      const used = recordUsage(completion.usage, call);
      log.info({ model, format: format.type, tokensIn: used?.in, tokensOut: used?.out, ms: Math.round(performance.now() - started) }, 'model call');
      return completion.choices[0]?.message.content ?? '';
    } catch (err) {
      if (err instanceof BadRequestError && format === STRUCTURED) {
        log.warn({ model, err }, 'the server refused json_schema; using JSON mode');
        format = JSON_MODE;
        return complete(messages, call);
      }
      throw toComposeError(err);
    }
  };

  const toDraft = (request: ComposeRequest, points: ModelPoints['points'], numbers: ReadonlyMap<number, string>): Draft => {
    const days = new Map(request.sources.map((s) => [s.passage.id, isoDay(s.article.publishedAt)]));
    const claims: Claim[] = points.map((point) => {
      const citations = [...new Set(point.citations.map((n) => numbers.get(n) ?? unknownSourceId(n)))];
      const newest = citations.map((id) => days.get(id)).filter((day) => day !== undefined).sort().at(-1);
      return { text: point.text.trim(), citations, ...(newest ? { date: newest } : {}) };
    });
    const notices = request.kind === 'ask' && claims.length === 0 ? ['Not found in the sources: none of the articles we hold answers this question.'] : [];
    return { claims, composedBy: 'llm', notices };
  };

  return {
    name: 'llm',
    label: model,
    cacheKey: (request) => `${model}\n${render(request).prompt}`,
    async compose(request, call = {}) {
      const { packed, prompt } = render(request);
      log.info({ model, context: packed.report }, 'context packed');
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: prompt }];
      const reply = await complete(messages, call);
      let parsed = parsePoints(reply);
      if (!parsed.ok) {
        log.warn({ model, problem: parsed.error }, 'unusable model reply; asking once for a repair');
        const repaired = await complete([...messages, { role: 'assistant', content: reply }, { role: 'user', content: repairRequest(parsed.error) }], call);
        parsed = parsePoints(repaired);
        if (!parsed.ok) throw new ComposeError('bad-output', `The model's reply was unusable after one repair attempt: ${parsed.error}`);
      }
      return toDraft(request, parsed.value.points, packed.numbers);
    },
  };
}

/**
 * The tokens a completion reports (servers without `usage` report none), counted in the metrics and handed to
 * the caller's `onUsage` (the daily budget). Returns them for the log line.
 */
export function recordUsage(usage: { prompt_tokens: number; completion_tokens: number } | undefined, call: Pick<ComposeOptions, 'onUsage'>): { in: number; out: number } | undefined {
  if (!usage) return undefined;
  const used = { in: usage.prompt_tokens, out: usage.completion_tokens };
  metrics.llmTokens.inc({ direction: 'in' }, used.in);
  metrics.llmTokens.inc({ direction: 'out' }, used.out);
  call.onUsage?.(used);
  return used;
}
