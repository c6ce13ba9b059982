import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';

export const REPO = resolve(import.meta.dirname, '../..');
/** Tests run as of a fixed day so that "the last 30 days" means the same thing every run. */
export const TEST_NOW = new Date('2026-11-27T12:00:00Z');

export async function tempDir(prefix = 'briefing-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A real app (SQLite via Keyv, the bundled corpus) in a temporary DATA_DIR. */
export async function tempApp(env: Record<string, string> = {}): Promise<{ app: App; config: Config; dataDir: string; close: () => Promise<void> }> {
  const dir = await tempDir();
  const config = loadConfig({ DATA_DIR: dir.path, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, silentLogger(), () => TEST_NOW);
  return {
    app,
    config,
    dataDir: dir.path,
    close: async () => {
      await app.close();
      await dir.remove();
    },
  };
}
