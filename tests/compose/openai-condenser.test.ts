import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrompts } from '../../src/compose/load-prompt.ts';
import { openAiCondenser } from '../../src/compose/openai-condenser.ts';
import { silentLogger } from '../../src/log.ts';
import { reply, startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';

let double: OpenAiDouble;
beforeAll(async () => (double = await startOpenAiDouble()));
afterAll(() => double.close());

const condenser = async () =>
  openAiCondenser(new OpenAI({ apiKey: 'k', baseURL: double.baseURL, maxRetries: 0, timeout: 1000 }), (await loadPrompts()).condense, 'test-model', silentLogger());

describe('follow-up condensation', () => {
  it('returns the rewritten question the model gives', async () => {
    double.script(reply.content('"When did Kim Jong Un visit Dalian in 2018?"\n'));
    expect(await (await condenser())('Q: When did Kim visit Beijing?\nA: March 2018.', 'And Dalian?')).toBe('When did Kim Jong Un visit Dalian in 2018?');
  });

  it('sends the earlier turns inside a conversation block and the question after it', async () => {
    double.requests.length = 0;
    await (await condenser())('Q: first?\nA: yes.', 'and then?');
    const prompt = double.chatPrompts()[0]!;
    expect(prompt.indexOf('<conversation>\nQ: first?')).toBeLessThan(prompt.indexOf('Follow-up question: and then?'));
  });

  it('keeps the question as asked when the model fails', async () => {
    double.script(reply.serverError());
    expect(await (await condenser())('Q: a?\nA: b.', 'And Dalian?')).toBe('And Dalian?');
  });

  it('does not call the model for a first question', async () => {
    double.requests.length = 0;
    expect(await (await condenser())('', 'When did Kim visit Beijing?')).toBe('When did Kim visit Beijing?');
    expect(double.requests).toHaveLength(0);
  });
});
