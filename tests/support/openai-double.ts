// A loopback fake of an OpenAI-compatible server: POST /v1/chat/completions and POST /v1/embeddings on
// 127.0.0.1, port 0. The real `openai` SDK talks to it through `baseURL: double.baseURL`, so tests see what
// the SDK really does with a 401, a 429 with Retry-After, a 500, a timeout or a malformed reply.
// Replies are scripted per request (first in, first out); with none scripted, chat answers like a careful
// model (the first sentence of up to three source blocks, each citing its block) and embeddings are
// deterministic hashed bags of words, so similar texts get similar vectors.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { method: string; path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };
export type ChatMessage = { role: string; content: string };
export type Point = { text: string; citations: number[] };

export type Scripted =
  | { kind: 'points'; points: Point[] }
  | { kind: 'content'; content: string }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'slow'; delayMs: number; then: Scripted }
  /** Answers once `until` settles: a test decides when the model is done, not a timer. */
  | { kind: 'held'; until: Promise<unknown>; then: Scripted }
  /** The careful default answer plus these points (e.g. a hallucination among true points). */
  | { kind: 'careful-plus'; extra: Point[] };

/** Builders for scripted replies and faults. */
export const reply = {
  points: (...points: Point[]): Scripted => ({ kind: 'points', points }),
  carefulPlus: (...extra: Point[]): Scripted => ({ kind: 'careful-plus', extra }),
  content: (content: string): Scripted => ({ kind: 'content', content }),
  unauthorized: (): Scripted => ({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } } }),
  rateLimited: (retryAfterSeconds = 0): Scripted => ({ kind: 'status', status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { error: { message: 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' } } }),
  serverError: (status = 500): Scripted => ({ kind: 'status', status, body: { error: { message: 'The server had an error.', type: 'server_error' } } }),
  slow: (delayMs: number, then: Scripted = { kind: 'points', points: [] }): Scripted => ({ kind: 'slow', delayMs, then }),
  held: (until: Promise<unknown>, then: Scripted): Scripted => ({ kind: 'held', until, then }),
  malformed: (): Scripted => ({ kind: 'content', content: 'Sure! Here are the points: {"points": [{"text": "Kim visited', }),
};

export const EMBEDDING_DIMENSIONS = 32;

/** A deterministic unit vector: each word adds ±1 to a dimension picked by its hash. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (const char of word) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619) >>> 0;
    vector[hash % EMBEDDING_DIMENSIONS]! += hash & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

/** The source blocks of a prompt, as the careful default model reads them. */
export function sourceBlocks(prompt: string): { n: number; attributes: string; text: string }[] {
  return Array.from(prompt.matchAll(/<source n="(\d+)"([^>]*)>\n([\s\S]*?)\n<\/source>/g), (m) => ({ n: Number(m[1]), attributes: m[2]!, text: m[3]! }));
}

function carefulPoints(prompt: string): Point[] {
  return sourceBlocks(prompt).slice(0, 3).map((block) => ({ text: block.text.split(/(?<=[.!?])\s+/)[0]!, citations: [block.n] }));
}

export type OpenAiDouble = {
  /** For the SDK's baseURL. */
  baseURL: string;
  requests: Recorded[];
  /** Scripted replies, answered in order; the default model answers once they run out. */
  script(...replies: Scripted[]): void;
  /** Answer json_schema requests with 400, like servers that only know JSON mode. */
  rejectJsonSchema: boolean;
  /** The prompt (all message contents) of each chat request. */
  chatPrompts(): string[];
  close(): Promise<void>;
};

export async function startOpenAiDouble(): Promise<OpenAiDouble> {
  const queue: Scripted[] = [];
  const requests: Recorded[] = [];
  const double = { rejectJsonSchema: false };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const chat = async (res: ServerResponse, body: Record<string, unknown>, scripted: Scripted | undefined): Promise<void> => {
    const messages = (body.messages ?? []) as ChatMessage[];
    const format = (body.response_format as { type?: string } | undefined)?.type;
    if (double.rejectJsonSchema && format === 'json_schema') {
      return send(res, 400, { error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", type: 'invalid_request_error', param: 'response_format' } });
    }
    if (scripted?.kind === 'slow' || scripted?.kind === 'held') {
      await (scripted.kind === 'slow' ? new Promise((done) => setTimeout(done, scripted.delayMs)) : scripted.until);
      if (res.destroyed) return;
      return chat(res, body, scripted.then);
    }
    if (scripted?.kind === 'status') return send(res, scripted.status, scripted.body ?? {}, scripted.headers);
    const prompt = messages.map((m) => m.content).join('\n');
    const followUp = /Follow-up question: (.*)$/m.exec(prompt)?.[1];
    const points = scripted?.kind === 'points' ? scripted.points : [...carefulPoints(prompt), ...(scripted?.kind === 'careful-plus' ? scripted.extra : [])];
    const json = JSON.stringify({ points });
    const content = scripted?.kind === 'content' ? scripted.content : followUp !== undefined ? followUp : format ? json : `Here is the brief:\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you need more.`;
    send(res, 200, {
      id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: 0, model: body.model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
      usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil((prompt.length + content.length) / 4) },
    });
  };

  const embeddings = (res: ServerResponse, body: Record<string, unknown>) => {
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    const data = inputs.map((input, index) => {
      const vector = fakeEmbedding(input);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    send(res, 200, { object: 'list', model: body.model, data: data.reverse(), usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (req.method === 'POST' && path === '/v1/chat/completions') void chat(res, body, queue.shift());
      else if (req.method === 'POST' && path === '/v1/embeddings') embeddings(res, body);
      else send(res, 404, { error: { message: `No route ${req.method} ${path}` } });
    });
  });
  await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => void queue.push(...replies),
    get rejectJsonSchema() { return double.rejectJsonSchema; },
    set rejectJsonSchema(value: boolean) { double.rejectJsonSchema = value; },
    chatPrompts: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => ((r.body.messages ?? []) as ChatMessage[]).map((m) => m.content).join('\n')),
    close: () => {
      queue.length = 0;
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}
