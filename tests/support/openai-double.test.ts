import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding, reply, startOpenAiDouble, type OpenAiDouble } from './openai-double.ts';

let double: OpenAiDouble;
let client: OpenAI;
beforeAll(async () => {
  double = await startOpenAiDouble();
  client = new OpenAI({ apiKey: 'k', baseURL: double.baseURL, maxRetries: 0, timeout: 1000 });
});
afterAll(() => double.close());

const prompt = 'Sources:\n<source n="4" outlet="X" date="2018-01-01" title="T">\nFirst sentence. Second one.\n</source>';
const ask = (extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {}) =>
  client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }], ...extra });

describe('OpenAI double', () => {
  it('answers like a careful model: the first sentence of each source, citing it', async () => {
    const completion = await ask({ response_format: { type: 'json_object' } });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ points: [{ text: 'First sentence.', citations: [4] }] });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('wraps its JSON in a code fence and prose when no response format was asked for', async () => {
    expect((await ask()).choices[0]!.message.content).toMatch(/^Here is the brief:\n```json\n\{"points"/);
  });

  it('answers scripted replies in order, then the default again', async () => {
    double.script(reply.content('one'), reply.unauthorized());
    expect((await ask()).choices[0]!.message.content).toBe('one');
    await expect(ask()).rejects.toMatchObject({ status: 401 });
    expect((await ask()).choices[0]!.message.content).toContain('First sentence.');
  });

  it('refuses json_schema with 400 when told to', async () => {
    double.rejectJsonSchema = true;
    await expect(ask({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } })).rejects.toMatchObject({ status: 400 });
    double.rejectJsonSchema = false;
  });

  it('records each request body', async () => {
    double.requests.length = 0;
    await ask();
    expect(double.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'm' } });
  });

  it('returns the same unit vector for the same text, in base64 too', async () => {
    const floats = await client.embeddings.create({ model: 'e', input: ['Kim met Xi'], encoding_format: 'float' });
    const base64 = await client.embeddings.create({ model: 'e', input: ['Kim met Xi'] });
    expect(floats.data[0]?.embedding).toEqual(fakeEmbedding('Kim met Xi'));
    base64.data[0]!.embedding.forEach((x, i) => expect(x).toBeCloseTo(fakeEmbedding('Kim met Xi')[i]!, 6));
    expect(Math.hypot(...fakeEmbedding('Kim met Xi'))).toBeCloseTo(1, 9);
  });
});
