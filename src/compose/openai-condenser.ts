import type { OpenAI } from 'openai';
import type { Logger } from '../log.ts';
import type { ComposeOptions } from './composer.ts';
import type { Prompt, CondenseVar } from './load-prompt.ts';
import { recordUsage } from './openai-composer.ts';

/**
 * Turns a follow-up ("and the second one?") plus the earlier turns into a question that stands alone. Never
 * throws: when it cannot, it gives back the question as asked.
 */
export type Condenser = (history: string, question: string, options?: ComposeOptions) => Promise<string>;

/** A standalone question longer than this is not a rewrite but an answer; the original is kept. */
const MAX_QUESTION_CHARS = 500;

/**
 * Condenses with the chat model. Any failure (or an implausible reply) gives back the question as asked:
 * retrieval still sees the earlier turns as context, so a failed rewrite costs precision, not the answer.
 */
export function openAiCondenser(client: OpenAI, prompt: Prompt<CondenseVar>, model: string, log: Logger): Condenser {
  return async (history, question, options = {}) => {
    if (!history.trim()) return question;
    try {
      const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt({ history, question }) }] }, { signal: options.signal });
      const used = recordUsage(completion.usage, options);
      log.info({ model, tokensIn: used?.in, tokensOut: used?.out }, 'model call (condense)');
      const line = (completion.choices[0]?.message.content ?? '').trim().split('\n')[0]?.replace(/^["“]|["”]$/g, '').trim() ?? '';
      return line && line.length <= MAX_QUESTION_CHARS ? line : question;
    } catch (err) {
      log.warn({ err, model }, 'could not condense the follow-up; using it as asked');
      return question;
    }
  };
}
