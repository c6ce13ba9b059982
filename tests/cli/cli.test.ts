import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { Brief } from '../../src/model.ts';
import { keyvArticleStore } from '../../src/store/keyv-article-store.ts';
import { feedServer } from '../support/feed-server.ts';
import { startOpenAiDouble } from '../support/openai-double.ts';
import { REPO, tempDir } from '../support/temp-app.ts';

const run = promisify(execFile);

/** The CLI as a user runs it: a child process, stdout and stderr apart, the exit code. */
async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('briefing-bot CLI', () => {
  let dataDir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await tempDir();
    env = { DATA_DIR: dataDir.path };
  });
  afterAll(() => dataDir.remove());

  it('prints a dated, cited brief on the bundled corpus on first run', async () => {
    const { code, stdout } = await cli(['brief', 'china-dprk'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1\. \d{4}-\d{2}-\d{2} — .+\[1\]/m);
    expect(stdout).toContain('Sources');
    expect(stdout).toContain('as of ');
  });

  it('previews a digest: developments of those days cited like a brief, or one quiet line', async () => {
    const { code, stdout } = await cli(['digest', 'china-dprk', '--since', '2026-04-06', '--until', '2026-04-13', '--json'], env);
    expect(code).toBe(0);
    const digest = JSON.parse(stdout) as Brief & { quiet: boolean; articles: number; window: { since: string; until: string } };
    expect(Brief.parse(digest).points.length).toBeGreaterThan(0);
    expect(digest).toMatchObject({ quiet: false, period: { since: '2026-04-06', until: '2026-04-13' }, window: { until: '2026-04-13T23:59:59.999Z' } });
    expect(digest.sources.every((source) => source.publishedAt >= '2026-04-06' && source.publishedAt <= '2026-04-13')).toBe(true);

    const quiet = await cli(['digest', 'china-dprk', '--since', '2026-06-01', '--until', '2026-06-07'], env);
    expect(quiet).toMatchObject({ code: 0, stdout: 'No new reporting on China–DPRK relations between 2026-06-01 and 2026-06-07.\n' });
    const missing = await cli(['digest', 'china-dprk'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/digest needs --since/);
  });

  it('resolves every citation in --json to a source whose passage is in the store', async () => {
    const { code, stdout } = await cli(['brief', 'china-dprk', '--since', '2018-01-01', '--until', '2019-12-31', '--json'], env);
    expect(code).toBe(0);
    const brief = Brief.parse(JSON.parse(stdout));
    expect(brief.points.length).toBeGreaterThanOrEqual(3);
    expect(brief.points.length).toBeLessThanOrEqual(7);
    const numbers = new Set(brief.sources.map((source) => source.n));
    for (const point of brief.points) for (const n of point.citations) expect(numbers).toContain(n);
    const store = keyvArticleStore(loadConfig(env).STORE_URL, silentLogger());
    try {
      for (const source of brief.sources) {
        const stored = await store.get(source.articleId);
        expect(stored?.passages.find((passage) => passage.id === source.passageId)?.text).toBe(source.passage);
      }
    } finally {
      await store.close();
    }
  });

  it('keeps the documented --json shape for ask and search', async () => {
    const ask = await cli(['ask', 'when did xi visit pyongyang', '--topic', 'china-dprk', '--json'], env);
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ question: 'when did xi visit pyongyang', mode: 'extractive', topic: 'china-dprk' });
    const search = await cli(['search', '시진핑 평양 방문', '--k', '10', '--json'], env);
    expect(search.code).toBe(0);
    const { hits } = JSON.parse(search.stdout) as { hits: { title: string; text: string; url: string; score: number }[] };
    expect(hits).toHaveLength(10);
    // A Korean query finds English reporting through the topic's aliases: Xi and Pyongyang, in English.
    const english = hits.filter((hit) => /Xi/.test(hit.text) && /Pyongyang/.test(hit.text) && !/[\uac00-\ud7af]/.test(hit.text));
    expect(english.length).toBeGreaterThanOrEqual(3);
  });

  it('answers an unknown topic with the known ones and exit code 2', async () => {
    const { code, stderr, stdout } = await cli(['brief', 'narnia'], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Unknown topic "narnia". Known topics: china-dprk.');
  });

  it('rejects a bad date with exit code 2 and says which format to use', async () => {
    const { code, stderr } = await cli(['brief', 'china-dprk', '--since', '2024-13-45'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('since "2024-13-45" is not a date: use YYYY-MM-DD');
  });

  it('prints usage and exits 2 on an unknown flag', async () => {
    const { code, stderr } = await cli(['brief', 'china-dprk', '--sinse', '7d'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: briefing-bot');
  });

  it('names the variable when configuration is invalid', async () => {
    const { code, stderr } = await cli(['brief', 'china-dprk'], { ...env, RECENCY_HALF_LIFE_DAYS: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toContain('RECENCY_HALF_LIFE_DAYS');
    expect(stderr).not.toContain('    at ');
  });

  it('says plainly when DATA_DIR cannot be written, and exits 1', async () => {
    const blocker = join(dataDir.path, 'not-a-folder');
    await writeFile(blocker, 'a file where the data folder should be');
    const { code, stderr } = await cli(['brief', 'china-dprk'], { DATA_DIR: join(blocker, 'data') });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATA_DIR|data folder/);
    expect(stderr).not.toContain('    at ');
  });

  it('explains an empty store whose sample corpus is missing or empty, and stores nothing', async () => {
    const empty = await tempDir();
    const data = await tempDir();
    try {
      for (const corpus of [join(empty.path, 'missing'), empty.path]) {
        const { code, stderr } = await cli(['brief', 'china-dprk'], { DATA_DIR: data.path, CORPUS_DIR: corpus });
        expect(code).toBe(1);
        expect(stderr).toContain('The store is empty and the sample corpus cannot be loaded');
        expect(stderr).toContain('CORPUS_DIR');
      }
    } finally {
      await empty.remove();
      await data.remove();
    }
  });

  it('ingests a folder with a malformed file, skipping it with its name and reason and keeping the rest', async () => {
    const folder = join(dataDir.path, 'drop');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'good.md'), '---\ntitle: Trade note\noutlet: Test Wire\npublishedAt: 2026-11-20\nurl: https://news.test/trade-note\n---\nChina and North Korea signed a trade note in Dandong.\n');
    await writeFile(join(folder, 'broken.md'), '---\ntitle: [unclosed\n---\nBody\n');
    const { code, stdout } = await cli(['ingest', folder, '--json'], env);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { added: { title: string }[]; skipped: { source: string; reason: string }[] };
    expect(report.added.map((entry) => entry.title)).toEqual(['Trade note']);
    expect(report.skipped).toEqual([expect.objectContaining({ source: join(folder, 'broken.md'), reason: expect.stringMatching(/front matter/) })]);
  });

  it('points to the README when serve runs without DISCORD_TOKEN', async () => {
    const { code, stderr } = await cli(['serve'], env);
    expect(code).toBe(1);
    expect(stderr).toContain('DISCORD_TOKEN is not set. See "Discord" in the README');
  });

  it('prints the slash-command JSON that register would send', async () => {
    const { code, stdout } = await cli(['commands', '--json'], env);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { name: string }[]).map((command) => command.name)).toEqual(expect.arrayContaining(['brief', 'ask', 'sources', 'help']));
  });

  it('writes the brief with the model at OPENAI_BASE_URL and reports the verification counts', async () => {
    const double = await startOpenAiDouble();
    try {
      const { code, stdout } = await cli(['brief', 'china-dprk', '--json'], { ...env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: double.baseURL, BRIEF_MODEL: 'test-model' });
      expect(code).toBe(0);
      const brief = Brief.parse(JSON.parse(stdout));
      expect(brief).toMatchObject({ mode: 'llm', model: 'test-model' });
      expect(brief.verification).toMatchObject({ points: expect.any(Number), supported: expect.any(Number), dropped: 0 });
      expect(double.chatPrompts()).toHaveLength(1);
    } finally {
      await double.close();
    }
  });

  it('runs the feed list once with ingest --feeds, keeping good feeds when one is malformed', async () => {
    const server = await feedServer();
    try {
      const feedsFile = join(dataDir.path, 'feeds.json');
      const feed = (name: string, path: string) => ({ name, url: `${server.url}${path}`, outlet: name, language: 'en', kind: 'rss', stateMedia: false });
      await writeFile(feedsFile, JSON.stringify({ 'china-dprk': [feed('Border Wire', '/rss2.xml'), feed('Broken', '/malformed.xml')] }));
      const feedEnv = { ...env, FEEDS_FILE: feedsFile, FEEDS_ALLOW_LOOPBACK: 'true' };
      const { code, stdout } = await cli(['ingest', '--feeds', '--json'], feedEnv);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as { fetched: number; new: number; failed: number; feeds: { name: string; status: string }[] };
      expect(report).toMatchObject({ failed: 1 });
      expect(report.new).toBeGreaterThan(0);
      expect(report.feeds.find((f) => f.name === 'Broken')?.status).toBe('failed');
      const search = await cli(['search', 'Dandong bridge trucks', '--k', '3', '--json'], feedEnv);
      expect((JSON.parse(search.stdout) as { hits: { outlet: string }[] }).hits[0]?.outlet).toBe('Border Wire');
    } finally {
      await server.close();
    }
  });
});
