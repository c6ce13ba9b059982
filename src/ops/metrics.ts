import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What an operator can graph, in Prometheus format (served on OPS_PORT's /metrics). One registry per
 * process: the modules that do the work record into `metrics`, so no adapter has to thread it through.
 */
export function createMetrics() {
  const registry = new Registry();
  const interactions = new Counter({
    name: 'briefing_interactions_total',
    help: 'Interactions handled, by command (or component) and outcome (ok, failed, timeout, rate_limited, busy, storage_unavailable).',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'briefing_interaction_ack_seconds',
    help: 'Time from receiving an interaction to its first response (defer or reply); Discord allows 3 s.',
    labelNames: ['command'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [registry],
  });
  const composeSeconds = new Histogram({
    name: 'briefing_compose_seconds',
    help: 'Time to compose a brief, answer or digest, by kind and composer (extractive or llm).',
    labelNames: ['kind', 'mode'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'briefing_llm_tokens_total',
    help: 'Tokens the model reported, by direction (in = prompt, out = completion).',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const llmCache = new Counter({
    name: 'briefing_llm_cache_total',
    help: 'Model-cache lookups by result (hit or miss); the hit ratio is hit / (hit + miss).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const ingested = new Counter({
    name: 'briefing_ingest_articles_total',
    help: 'Articles ingested from files and feeds, by result (added, updated, unchanged, duplicate, skipped).',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  const digests = new Counter({
    name: 'briefing_digests_total',
    help: 'Digest deliveries by outcome (delivered, skipped_quiet, paused, failed, already_sent).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const digestCompositions = new Counter({
    name: 'briefing_digest_compositions_total',
    help: 'Digests composed; one composition serves every channel that shares its topic, window and language.',
    registers: [registry],
  });
  return { registry, interactions, ackSeconds, composeSeconds, llmTokens, llmCache, ingested, digests, digestCompositions };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The process's metrics. */
export const metrics: Metrics = createMetrics();

const collecting = new WeakSet<Registry>();

/** Node's own (heap, event-loop lag, GC) — only for a serving process, where someone scrapes them. Once per registry. */
export function collectProcessMetrics(target: Metrics = metrics): void {
  if (collecting.has(target.registry)) return;
  collecting.add(target.registry);
  collectDefaultMetrics({ register: target.registry });
}
