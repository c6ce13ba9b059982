import { loadPrompts } from './compose/load-prompt.ts';
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
import { openVectorCache } from './store/keyv-vector-cache.ts';
import type { TopicMatcher } from './topics/topic-matcher.ts';

/**
 * The model stack when OPENAI_API_KEY is set: the OpenAI-compatible composer, its cache, the citation
 * check around both (so a cached draft is checked too), and the follow-up condenser.
 */
export async function modelStack(config: Config, matchers: readonly TopicMatcher[], log: Logger) {
  const modelLog = log.child({ module: 'model', model: config.BRIEF_MODEL });
  const client = openAiClient(config);
  const prompts = await loadPrompts();
  const outlets = await loadOutlets();
  const llm = openAiComposer(client, prompts, config.BRIEF_MODEL, modelLog, { tokenBudget: config.CONTEXT_TOKEN_BUDGET, isStateMedia: stateMediaCheck(outlets) });
  const cache = openLlmCache(config, modelLog);
  const composer = verifiedComposer(cache ? cachedComposer(llm, cache) : llm, { matchers, mode: config.CITATION_MODE, outlets }, modelLog);
  const vectors = config.EMBEDDING_MODEL ? openVectorCache(config, modelLog) : undefined;
  return {
    model: { composer, log: modelLog },
    condense: openAiCondenser(client, prompts.condense, config.BRIEF_MODEL, modelLog),
    embedder: config.EMBEDDING_MODEL && vectors ? cachedEmbedder(openAiEmbedder(client, config.EMBEDDING_MODEL, modelLog), vectors) : undefined,
    close: async () => {
      await cache?.close();
      await vectors?.close();
    },
  };
}

