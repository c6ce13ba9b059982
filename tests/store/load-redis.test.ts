import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/temp-app.ts';

const run = promisify(execFile);

/**
 * Runs in a fresh process: the test runner's own process may already hold @redis/client from
 * another test file, and what matters is what a bot on SQLite loads.
 */
const SQLITE_ONLY = `
import { createRequire } from 'node:module';
const { keyvArticleStore } = await import('./src/store/keyv-article-store.ts');
const { openLeases } = await import('./src/store/leases.ts');
const { silentLogger } = await import('./src/log.ts');
const store = keyvArticleStore('sqlite://:memory:', silentLogger());
await store.revision();
const leases = openLeases('sqlite://:memory:');
await leases.close();
await store.close();
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('@redis'));
console.log(JSON.stringify(loaded));
`;

describe('loading the Redis client', () => {
  it('GIVEN a process that opens only SQLite stores THEN @redis/client is never loaded, so V8 keeps charCodeAt fast', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SQLITE_ONLY], { cwd: REPO });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
