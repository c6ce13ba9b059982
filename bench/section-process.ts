/**
 * Run by `run.ts` in a fresh process: `section-process.ts <section> <temp dir> <plan JSON>`. Runs one
 * bench section and prints its result as JSON on stdout; progress goes to stderr.
 */
import { loadConfig } from '../src/config.ts';
import { loadTopics } from '../src/topics/load-topics.ts';
import { topicMatcher } from '../src/topics/topic-matcher.ts';
import { isSectionName, SECTIONS, type SectionContext } from './sections.ts';

const [name, tempDir, planJson] = process.argv.slice(2);
if (!name || !isSectionName(name) || !tempDir || !planJson) throw new Error(`usage: section-process.ts <${Object.keys(SECTIONS).join('|')}> <temp dir> <plan JSON>`);
const config = loadConfig({ DATA_DIR: tempDir, LOG_LEVEL: 'silent' });
const context: SectionContext = {
  matchers: (await loadTopics(config.TOPICS_DIR)).map(topicMatcher),
  tempDir,
  progress: (text) => process.stderr.write(`… ${text}\n`),
};
// The plan was written by run.ts for this very section, so its shape matches what the section takes.
const section = SECTIONS[name] as (plan: unknown, context: SectionContext) => Promise<unknown>;
const result = await section(JSON.parse(planJson), context);
process.stdout.write(`${JSON.stringify(result)}\n`);
