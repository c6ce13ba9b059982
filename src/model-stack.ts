import { loadPrompts } from './compose/load-prompt.ts';
import { gatedComposer, gatedCondenser, modelGate } from './compose/model-gate.ts';
import { modelQueue } from './compose/model-queue.ts';
import { openAiClient } from './compose/openai-client.ts';
import { openAiComposer } from './compose/openai-composer.ts';
import { openAiCondenser } from './compose/openai-condenser.ts';
import { openAiEmbedder } from './compose/openai-embedder.ts';
import { loadOutlets, stateMediaCheck } from './compose/outlets.ts';
import { verifiedComposer } from './compose/verified-composer.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { cachedEmbedder } from './retrieval/cached-embedder.ts';
import { cachedComposer, openLlmCache } from './store/keyv-llm-cache.ts';
import { openTokenBudget } from './store/keyv-token-budget.ts';
import { openVectorCache } from './store/keyv-vector-cache.ts';
import type { TopicMatcher } from './topics/topic-matcher.ts';

/**
 * The model stack when OPENAI_API_KEY is set: the OpenAI-compatible composer behind the model gate (one queue
 * per process with LLM_CONCURRENCY slots and LLM_QUEUE_MAX places, and GUILD_DAILY_TOKEN_BUDGET per server),
 * its cache in front of the gate (a cached draft neither waits nor spends), the citation check around both (so
 * a cached draft is checked too), and the follow-up condenser behind the same gate.
 */
export async function modelStack(config: Config, matchers: readonly TopicMatcher[], log: Logger, now: () => Date = () => new Date()) {
  const modelLog = log.child({ module: 'model', model: config.BRIEF_MODEL });
  const client = openAiClient(config);
  const prompts = await loadPrompts();
  const outlets = await loadOutlets();
  const budget = openTokenBudget(config, modelLog, now);
  const gate = modelGate({ queue: modelQueue({ concurrency: config.LLM_CONCURRENCY, maxWaiting: config.LLM_QUEUE_MAX }), budget, log: modelLog });
  const llm = gatedComposer(
    openAiComposer(client, prompts, config.BRIEF_MODEL, modelLog, { tokenBudget: config.CONTEXT_TOKEN_BUDGET, isStateMedia: stateMediaCheck(outlets) }),
    gate,
  );
  const cache = openLlmCache(config, modelLog);
  const composer = verifiedComposer(cache ? cachedComposer(llm, cache) : llm, { matchers, mode: config.CITATION_MODE, outlets }, modelLog);
  const vectors = config.EMBEDDING_MODEL ? openVectorCache(config, modelLog) : undefined;
  return {
    model: { composer, log: modelLog },
    condense: gatedCondenser(openAiCondenser(client, prompts.condense, config.BRIEF_MODEL, modelLog), gate, modelLog),
    embedder: config.EMBEDDING_MODEL && vectors ? cachedEmbedder(openAiEmbedder(client, config.EMBEDDING_MODEL, modelLog), vectors) : undefined,
    close: async () => {
      await cache?.close();
      await budget?.close();
      await vectors?.close();
    },
  };
}
