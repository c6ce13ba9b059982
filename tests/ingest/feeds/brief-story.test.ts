import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedServer } from '../../support/feed-server.ts';
import { tempApp, tempDir } from '../../support/temp-app.ts';

describe('a wire story carried by three outlets', () => {
  it('appears once in a brief, citing all three, and a second run of unchanged feeds stores nothing', async () => {
    const server = await feedServer();
    const dir = await tempDir();
    const feedsFile = join(dir.path, 'feeds.json');
    const feed = (name: string, path: string) => ({ name, url: `${server.url}${path}`, outlet: name, language: 'en', kind: 'rss', stateMedia: false });
    await writeFile(feedsFile, JSON.stringify({ 'china-dprk': [feed('Xinhua Test', '/wire-a.xml'), feed('Global Times Test', '/wire-b.xml'), feed('Korea Wire Test', '/wire-c.xml')] }));
    const { app, close } = await tempApp({ FEEDS_FILE: feedsFile, FEEDS_ALLOW_LOOPBACK: 'true' });
    try {
      const first = await app.ingestFeeds();
      expect(first.failed).toBe(0);

      const result = await app.brief({ topic: 'china-dprk', since: '2026-11-20', until: '2026-11-27' });
      if (!result.ok) throw new Error(result.error.code);
      const outletsOf = (citations: number[]) => citations.map((n) => result.value.sources.find((source) => source.n === n)?.outlet);
      const liu = result.value.points.filter((point) => /Liu|vice premier|cooperation/i.test(point.text));
      expect(liu).toHaveLength(1);
      expect(new Set(outletsOf(liu[0]!.citations))).toEqual(new Set(['Xinhua Test', 'Global Times Test', 'Korea Wire Test']));

      const requestsBefore = server.requests.length;
      const second = await app.ingestFeeds();
      expect(second).toMatchObject({ new: 0, updated: 0, notModified: 3 });
      const again = server.requests.slice(requestsBefore).filter((request) => request.path.endsWith('.xml'));
      expect(again.every((request) => request.headers['if-none-match'] || request.headers['if-modified-since'])).toBe(true);
    } finally {
      await close();
      await server.close();
      await dir.remove();
    }
  }, 30_000);
});
