import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import matter from 'gray-matter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { briefLength, BRIEF_MAX_CHARS } from '../../src/compose/fit-brief.ts';
import { articleId } from '../../src/ingest/article-id.ts';
import { REPO, tempApp, tempDir } from '../support/temp-app.ts';

async function distractorIds(): Promise<Set<string>> {
  const root = join(REPO, 'data/corpus');
  const ids = new Set<string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md') || entry.name === 'README.md') continue;
    const { data } = matter(await readFile(join(entry.parentPath, entry.name), 'utf8'));
    if (data.distractor) ids.add(articleId({ url: String(data.url), text: '' }));
  }
  return ids;
}

describe('extractive brief on the sample corpus', () => {
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => ({ app, close } = await tempApp()));
  afterAll(() => close());

  it('never cites a distractor article in a china-dprk brief, in any year', async () => {
    const distractors = await distractorIds();
    expect(distractors.size).toBeGreaterThanOrEqual(10);
    for (let year = 2017; year <= 2026; year++) {
      const result = await app.brief({ topic: 'china-dprk', since: `${year}-01-01`, until: `${year}-12-31` });
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.sources.filter((source) => distractors.has(source.articleId)).map((s) => s.title), String(year)).toEqual([]);
    }
  });

  it('gives 3 to 7 dated, cited points that fit a Discord embed with their sources', async () => {
    const result = await app.brief({ topic: 'china-dprk', since: '2018-01-01', until: '2019-12-31' });
    if (!result.ok) throw new Error(result.error.code);
    const brief = result.value;
    expect(brief.points.length).toBeGreaterThanOrEqual(3);
    expect(brief.points.length).toBeLessThanOrEqual(7);
    for (const point of brief.points) {
      expect(point.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(point.citations.length).toBeGreaterThan(0);
    }
    expect(briefLength(brief)).toBeLessThanOrEqual(BRIEF_MAX_CHARS);
  });

  it('quotes every point verbatim from a passage it cites', async () => {
    const result = await app.brief({ topic: 'china-dprk', since: '2024-01-01', until: '2026-12-31' });
    if (!result.ok) throw new Error(result.error.code);
    for (const point of result.value.points) {
      const passages = point.citations.map((n) => result.value.sources.find((source) => source.n === n)?.passage ?? '');
      expect(passages.some((passage) => passage.includes(point.text))).toBe(true);
    }
  });

  it('says plainly that a period is empty, then gives the latest developments with their date', async () => {
    const result = await app.brief({ topic: 'china-dprk' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.period).toEqual({ since: '2026-10-28', until: '2026-11-27' });
    expect(result.value.notices[0]).toMatch(/^No new reporting on China–DPRK relations between 2026-10-28 and 2026-11-27\. Below are the latest developments, as of \d{4}-\d{2}-\d{2}\.$/);
    expect(result.value.points.length).toBeGreaterThanOrEqual(3);
    expect(result.value.asOf).toBe(result.value.sources.map((source) => source.publishedAt).sort().at(-1));
  });

  it('narrows a brief to its --focus', async () => {
    const result = await app.brief({ topic: 'china-dprk', since: '2017-01-01', until: '2026-12-31', focus: 'trade customs' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.points.filter((point) => /trade|import|export|customs/i.test(point.text)).length).toBeGreaterThanOrEqual(2);
  });

  it('answers an unknown topic with the topics it knows', async () => {
    expect(await app.brief({ topic: 'mars' })).toEqual({ ok: false, error: { code: 'unknown-topic', topic: 'mars', known: ['china-dprk'] } });
  });

  it('says "not found in the sources" instead of guessing', async () => {
    const result = await app.ask({ question: 'did china give pandas to the pyongyang zoo', topic: 'china-dprk' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.points).toEqual([]);
    expect(result.value.notices.join(' ')).toMatch(/^Not found in the sources/);
  });
});

describe('topics as data', () => {
  it('briefs on a second topic added as a file, with no code change', async () => {
    const dir = await tempDir();
    const topics = join(dir.path, 'topics');
    await mkdir(topics);
    await copyFile(join(REPO, 'data/topics/china-dprk.json'), join(topics, 'china-dprk.json'));
    await writeFile(join(topics, 'dprk-russia.json'), JSON.stringify({
      slug: 'dprk-russia', title: 'DPRK–Russia relations', description: 'Pyongyang and Moscow.', sides: ['dprk', 'russia'],
      entities: [
        { id: 'dprk', side: 'dprk', label: 'North Korea', aliases: ['North Korea', 'North Korean', 'DPRK', 'Pyongyang', 'Kim Jong Un'] },
        { id: 'russia', side: 'russia', label: 'Russia', aliases: ['Russia', 'Russian', 'Moscow', 'Kremlin', 'Putin'] },
      ],
      onTopic: { minMentionsPerSide: 2, leadCharacters: 400 },
    }));
    const { app, close } = await tempApp({ TOPICS_DIR: topics });
    try {
      const result = await app.brief({ topic: 'dprk-russia', since: '2019-01-01', until: '2026-12-31' });
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.sources.some((source) => /Putin|Russia|Kursk/i.test(source.title))).toBe(true);
    } finally {
      await close();
      await dir.remove();
    }
  });
});
