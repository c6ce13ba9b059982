import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startOpenAiDouble } from '../support/openai-double.ts';
import { TEST_NOW, tempDir } from '../support/temp-app.ts';

/** Hybrid retrieval with EMBEDDING_MODEL: the real openai SDK embeds through the loopback double. */
describe('hybrid retrieval', () => {
  it('embeds passages at ingest in batches, once, and fuses them into search', async () => {
    const double = await startOpenAiDouble();
    const dir = await tempDir();
    const config = loadConfig({ DATA_DIR: dir.path, LOG_LEVEL: 'silent', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, EMBEDDING_MODEL: 'embed-test', OPENAI_MAX_RETRIES: '0' });
    const embeddingCalls = () => double.requests.filter((request) => request.path === '/v1/embeddings');
    try {
      const first = await createApp(config, silentLogger(), () => TEST_NOW);
      const result = await first.search({ query: 'coal imports suspended', k: 5 });
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.length).toBe(5);
      expect(embeddingCalls().length).toBeGreaterThan(1);
      for (const call of embeddingCalls()) expect((call.body.input as string[]).length).toBeLessThanOrEqual(128);
      await first.close();

      // A restart reuses the cached vectors: only the new query is embedded.
      const before = embeddingCalls().length;
      const second = await createApp(config, silentLogger(), () => TEST_NOW);
      await second.search({ query: 'passenger trains resume', k: 5 });
      expect(embeddingCalls().slice(before).map((call) => (call.body.input as string[]).length)).toEqual([1]);
      await second.close();
    } finally {
      await double.close();
      await dir.remove();
    }
  });

  it('still answers by words, and says so, when the embedding model fails', async () => {
    const double = await startOpenAiDouble();
    const dir = await tempDir();
    try {
      const config = loadConfig({ DATA_DIR: dir.path, LOG_LEVEL: 'silent', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, EMBEDDING_MODEL: 'embed-test', OPENAI_MAX_RETRIES: '0' });
      const app = await createApp(config, silentLogger(), () => TEST_NOW);
      await app.warmUp();
      await double.close(); // the model goes away
      const result = await app.ask({ question: 'when did china halt coal imports from north korea', topic: 'china-dprk' });
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.points.length).toBeGreaterThan(0);
      expect(result.value.notices.join(' ')).toContain('matched by words only');
      await app.close();
    } finally {
      await dir.remove();
    }
  });
});
