import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { fixedComposer } from '../../src/compose/composer.ts';
import { loadPrompts } from '../../src/compose/load-prompt.ts';
import { openAiComposer } from '../../src/compose/openai-composer.ts';
import { loadOutlets, stateMediaCheck } from '../../src/compose/outlets.ts';
import { verifiedComposer } from '../../src/compose/verified-composer.ts';
import { withFallback } from '../../src/compose/with-fallback.ts';
import { silentLogger } from '../../src/log.ts';
import { chinaDprkMatchers } from '../support/cited-fixtures.ts';
import { startOpenAiDouble, type OpenAiDouble } from '../support/openai-double.ts';
import { composerContract } from './composer-contract.ts';
import { extractiveDraft } from './fixtures.ts';

let double: OpenAiDouble;
beforeAll(async () => (double = await startOpenAiDouble()));
afterAll(() => double.close());

const llm = async () => {
  const outlets = await loadOutlets();
  const client = new OpenAI({ apiKey: 'test-key', baseURL: double.baseURL, maxRetries: 0, timeout: 2000 });
  return openAiComposer(client, await loadPrompts(), 'test-model', silentLogger(), { tokenBudget: 6000, isStateMedia: stateMediaCheck(outlets) });
};

composerContract('precomputed extractive', async () => fixedComposer(extractiveDraft));
composerContract('OpenAI', llm);
composerContract('verified OpenAI with fallback', async () => {
  const log = silentLogger();
  const verified = verifiedComposer(await llm(), { matchers: await chinaDprkMatchers(), mode: 'drop', outlets: await loadOutlets() }, log);
  return withFallback(verified, fixedComposer(extractiveDraft), log);
});
