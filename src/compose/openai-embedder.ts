import type { OpenAI } from 'openai';
import type { Logger } from '../log.ts';
import type { Embedder } from '../retrieval/embedder.ts';
import { toComposeError } from './openai-errors.ts';

/** Inputs per embeddings request: OpenAI accepts 2048, but local servers (Ollama, llama.cpp) choke well before that. */
export const EMBEDDING_BATCH = 128;

/** Embeds through `client.embeddings.create`, in batches of at most EMBEDDING_BATCH, in order. */
export function openAiEmbedder(client: OpenAI, model: string, log: Logger): Embedder {
  return {
    model,
    async embed(texts, signal) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += EMBEDDING_BATCH) {
        const input = texts.slice(start, start + EMBEDDING_BATCH);
        try {
          // 'float' explicitly: some OpenAI-compatible servers do not implement the SDK's default, base64.
          const response = await client.embeddings.create({ model, input, encoding_format: 'float' }, { signal });
          log.debug({ model, inputs: input.length, tokensIn: response.usage?.prompt_tokens }, 'embeddings call');
          const byIndex = [...response.data].sort((a, b) => a.index - b.index);
          if (byIndex.length !== input.length) throw new Error(`The embeddings server returned ${byIndex.length} vectors for ${input.length} inputs`);
          for (const item of byIndex) out.push(Float32Array.from(item.embedding));
        } catch (err) {
          throw toComposeError(err);
        }
      }
      return out;
    },
  };
}
