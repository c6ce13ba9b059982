import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import matter from 'gray-matter';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSourceFiles, type ParsedFile } from '../../src/ingest/read-source-files.ts';
import { loadTopics } from '../../src/topics/load-topics.ts';
import { topicMatcher, type TopicMatcher } from '../../src/topics/topic-matcher.ts';

const CORPUS = resolve(import.meta.dirname, '../../data/corpus');
const STATE_MEDIA = new Set(['KCNA', 'Rodong Sinmun', 'Xinhua', 'Global Times', "People's Daily", 'CGTN']);

describe('bundled sample corpus', () => {
  let files: ParsedFile[];
  let matcher: TopicMatcher;
  const distractor = (path: string) => Boolean(matter(readFileSync(path, 'utf8')).data.distractor);
  const articles = () => files.flatMap((file) => file.result.articles.map((article) => ({ ...article, path: file.path })));

  beforeAll(async () => {
    files = await readSourceFiles(CORPUS, { maxBytes: 1024 * 1024 });
    matcher = topicMatcher((await loadTopics(resolve(import.meta.dirname, '../../data/topics'))).find((t) => t.slug === 'china-dprk')!);
  });

  it('parses every file without a skip', () => {
    expect(files.flatMap((file) => file.result.skipped.map((skip) => `${file.path}: ${skip.reason}`))).toEqual([]);
  });

  it('holds at least 60 on-topic articles spanning every year from 2017 to 2026', () => {
    const onTopic = articles().filter((article) => !distractor(article.path));
    expect(onTopic.length).toBeGreaterThanOrEqual(60);
    const years = new Set(onTopic.map((article) => article.publishedAt.getUTCFullYear()));
    for (let year = 2017; year <= 2026; year++) expect(years).toContain(year);
  });

  it('mixes at least 8 outlets, state media and independent', () => {
    const outlets = new Set(articles().map((article) => article.outlet));
    expect(outlets.size).toBeGreaterThanOrEqual(8);
    expect([...outlets].filter((outlet) => STATE_MEDIA.has(outlet)).length).toBeGreaterThanOrEqual(3);
    expect([...outlets].filter((outlet) => !STATE_MEDIA.has(outlet)).length).toBeGreaterThanOrEqual(3);
  });

  it('marks every article as a sample based on public sources', () => {
    for (const article of articles()) {
      expect(article.sample, article.path).toBe(true);
      expect(article.basedOn?.length, article.path).toBeGreaterThan(0);
    }
  });

  it('has at least 3 articles in Korean or Chinese', () => {
    expect(articles().filter((article) => article.language === 'ko' || article.language === 'zh').length).toBeGreaterThanOrEqual(3);
  });

  it('tags every on-topic article with china-dprk and no distractor', () => {
    const wrong = articles()
      .filter((article) => matcher.isOnTopic(article) === distractor(article.path))
      .map((article) => article.path);
    expect(wrong).toEqual([]);
    expect(articles().filter((article) => distractor(article.path)).length).toBeGreaterThanOrEqual(10);
  });
});
