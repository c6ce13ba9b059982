/**
 * Run by the pipeline section in a fresh process: `cold-start.ts <DATA_DIR> <now ISO>`. Prints the
 * milliseconds from process start (performance.now()'s origin) and from createApp to the first
 * rendered brief, as JSON on stdout.
 */
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { briefMessage } from '../src/render/discord-embeds.ts';

const [dataDir, now] = process.argv.slice(2);
if (!dataDir || !now) throw new Error('usage: cold-start.ts <DATA_DIR> <now ISO>');
const started = performance.now();
const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), silentLogger(), () => new Date(now));
const result = await app.brief({ topic: 'china-dprk' });
if (!result.ok) throw new Error(`cold start brief failed: ${result.error.code}`);
briefMessage(result.value);
const finished = performance.now();
await app.close();
process.stdout.write(`${JSON.stringify({ processToFirstBriefMs: finished, createAppToFirstBriefMs: finished - started })}\n`);
