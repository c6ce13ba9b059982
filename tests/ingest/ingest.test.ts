import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestParsed } from '../../src/ingest/ingest.ts';
import { readSourceFiles } from '../../src/ingest/read-source-files.ts';
import { silentLogger } from '../../src/log.ts';
import type { ArticleStore } from '../../src/store/article-store.ts';
import { keyvArticleStore } from '../../src/store/keyv-article-store.ts';
import { tempDir } from '../support/temp-app.ts';

const MB = 1024 * 1024;

describe('ingest of local files', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: ArticleStore;
  const ingest = async (path: string, defaults = {}) => ingestParsed(store, await readSourceFiles(path, { maxBytes: 10 * MB, defaults }));
  beforeEach(async () => {
    dir = await tempDir();
    store = keyvArticleStore(`sqlite://${join(dir.path, 'store.sqlite')}`, silentLogger());
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('takes an HTML page\'s text from Readability and its metadata from Open Graph', async () => {
    const page = join(dir.path, 'page.html');
    await writeFile(page, `<html lang="en"><head><meta property="og:title" content="Kim visits Beijing"><meta property="og:site_name" content="Example Wire">
      <meta property="article:published_time" content="2018-03-28T10:00:00Z"><link rel="canonical" href="https://news.test/kim?utm_source=x"></head>
      <body><nav>Home | World</nav><article><p>North Korean leader Kim Jong Un made his first trip to Beijing, meeting Xi Jinping for talks that both sides called candid.</p>
      <p>The visit, kept secret until he left, was his first abroad since he took power in 2011, and analysts saw it as a thaw.</p></article></body></html>`);
    const report = await ingest(page);
    const stored = await store.get(report.added[0]!.id);
    expect(stored?.article).toMatchObject({ title: 'Kim visits Beijing', outlet: 'Example Wire', url: 'https://news.test/kim?utm_source=x', language: 'en' });
    expect(stored?.article.text).not.toContain('Home | World');
  });

  it('marks paywalled text partial and keeps only what came before the cut', async () => {
    const file = join(dir.path, 'paywall.txt');
    await writeFile(file, 'China-DPRK trade rebounds\nTrade between China and North Korea rose sharply in 2025, customs data showed.\n\nSubscribe to read the remaining 650 words.');
    const report = await ingest(file, { date: new Date('2026-01-20'), outlet: 'Test Wire' });
    const stored = await store.get(report.added[0]!.id);
    expect(stored?.article.partial).toBe(true);
    expect(stored?.article.text).toBe('Trade between China and North Korea rose sharply in 2025, customs data showed.');
  });

  it('asks for --date instead of guessing when a .txt file has none', async () => {
    const file = join(dir.path, 'undated.txt');
    await writeFile(file, 'A title\nSome text about Pyongyang and Beijing.');
    expect((await ingest(file)).skipped).toEqual([expect.objectContaining({ reason: expect.stringContaining('--date') })]);
  });

  it('refuses a binary file and a 50 MB file with a reason, and ingests the rest', async () => {
    const folder = join(dir.path, 'incoming');
    await mkdir(folder);
    await writeFile(join(folder, 'image.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    await writeFile(join(folder, 'huge.md'), '');
    await truncate(join(folder, 'huge.md'), 50 * MB); // sparse: costs no disk
    await writeFile(join(folder, 'ok.md'), '---\ntitle: Fine\noutlet: Wire\npublishedAt: 2026-01-01\n---\nBeijing and Pyongyang met.\n');
    const report = await ingest(folder);
    expect(report.added.map((entry) => entry.title)).toEqual(['Fine']);
    expect(report.skipped.map((skip) => skip.reason).sort()).toEqual(['binary file, not text', 'file is 50.0 MB; the limit is 10.0 MB (INGEST_MAX_FILE_MB)']);
  });

  it('skips a bad JSON Lines record with its line number and keeps the others', async () => {
    const file = join(dir.path, 'feed.jsonl');
    const good = { title: 'Good', outlet: 'Wire', publishedAt: '2026-02-01', text: 'Xi sent Kim a message.', url: 'https://news.test/good' };
    await writeFile(file, `${JSON.stringify(good)}\n{"title": "No text"}\nnot json\n`);
    const report = await ingest(file);
    expect(report.added).toHaveLength(1);
    expect(report.skipped.map((skip) => skip.item)).toEqual(['line 3', 'line 2']);
  });

  it('keeps file order, duplicates and revisions across store batches, and re-ingests 600 articles as unchanged', async () => {
    const file = join(dir.path, 'many.jsonl');
    const record = (i: number, text = `Xi Jinping and Kim Jong Un exchanged message number ${i}.`) =>
      JSON.stringify({ title: `Message ${i}`, outlet: 'Wire', publishedAt: '2026-02-01', text, url: `https://news.test/m/${i}` });
    const lines = Array.from({ length: 600 }, (_, i) => record(i));
    lines.splice(300, 0, record(7)); // line 301 repeats the article on line 8, two batches later
    await writeFile(file, `${lines.join('\n')}\n`);
    const before = await store.revision();

    const first = await ingest(file);
    expect(first.added.map((entry) => entry.title)).toEqual(Array.from({ length: 600 }, (_, i) => `Message ${i}`));
    expect(first.skipped).toEqual([{ source: file, item: 'Message 7', reason: `same article as in ${file}` }]);
    expect(await store.revision()).toBe(before + 1);

    const again = await ingest(file);
    expect(again.added).toEqual([]);
    expect(again.skipped.filter((skip) => skip.reason === 'unchanged').map((skip) => skip.item)).toEqual(Array.from({ length: 600 }, (_, i) => `Message ${i}`));
    expect(await store.revision()).toBe(before + 1);

    lines[501] = record(500, 'Xi Jinping and Kim Jong Un exchanged a corrected message.');
    await writeFile(file, `${lines.join('\n')}\n`);
    const third = await ingest(file);
    expect(third.updated.map((entry) => entry.title)).toEqual(['Message 500']);
    expect((await store.get(third.updated[0]!.id))?.passages[0]?.text).toContain('corrected');
    expect(await store.revision()).toBe(before + 2);
  });

  it('is idempotent, and updates a changed article in place under the same id', async () => {
    const file = join(dir.path, 'a.md');
    await writeFile(file, '---\ntitle: Talks\noutlet: Wire\npublishedAt: 2026-01-01\nurl: https://news.test/talks\n---\nFirst version.\n');
    const first = await ingest(file);
    expect((await ingest(file)).skipped).toEqual([expect.objectContaining({ reason: 'unchanged' })]);
    await writeFile(file, '---\ntitle: Talks\noutlet: Wire\npublishedAt: 2026-01-01\nurl: https://news.test/talks?utm_source=feed\n---\nSecond version.\n');
    const third = await ingest(file);
    expect(third.updated.map((entry) => entry.id)).toEqual(first.added.map((entry) => entry.id));
    expect((await store.get(first.added[0]!.id))?.article.text).toBe('Second version.');
  });
});
