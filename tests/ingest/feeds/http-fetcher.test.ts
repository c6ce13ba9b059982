import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fetched } from '../../../src/ingest/fetcher.ts';
import { explainFetchFailure } from '../../../src/ingest/fetcher.ts';
import { httpFetcher } from '../../../src/ingest/http-fetcher.ts';
import { feedServer, type FeedServer } from '../../support/feed-server.ts';

const body = (result: Awaited<ReturnType<ReturnType<typeof httpFetcher>['fetch']>>): Extract<Fetched, { status: 200 }> => {
  if (!result.ok || result.value.status !== 200) throw new Error(`expected a 200, got ${JSON.stringify(result)}`);
  return result.value;
};

describe('HTTP fetcher', () => {
  let server: FeedServer;
  let fetcher: ReturnType<typeof httpFetcher>;
  beforeAll(async () => {
    server = await feedServer({ slowMs: 3000, hugeBytes: 4 * 1024 * 1024 });
    fetcher = httpFetcher({ allowLoopback: true, hostDelayMs: 0, totalTimeoutMs: 500, maxBytes: 1024 * 1024, maxRedirects: 3 });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });
  const seen = (path: string) => server.requests.filter((request) => request.path === path);

  it('names itself in the User-Agent and asks for compressed feeds', async () => {
    body(await fetcher.fetch({ url: `${server.url}/rss2.xml`, purpose: 'feed' }));
    expect(seen('/rss2.xml')[0]?.headers).toMatchObject({ 'user-agent': expect.stringMatching(/^briefing-bot\/0\.1 \(/), 'accept-encoding': 'gzip, deflate, br' });
  });

  it('decodes an EUC-KR feed by the charset in its Content-Type', async () => {
    const fetched = body(await fetcher.fetch({ url: `${server.url}/korean.xml`, purpose: 'feed' }));
    expect(fetched.charset).toBe('cp949');
    expect(fetched.text).toContain('김정은 위원장, 시진핑 주석에게 축전');
  });

  it('decodes a GBK feed by its XML declaration when the server names no charset', async () => {
    const fetched = body(await fetcher.fetch({ url: `${server.url}/chinese.xml`, purpose: 'feed' }));
    expect(fetched.charset).toBe('gb18030');
    expect(fetched.text).toContain('习近平同金正恩举行会谈');
  });

  it.each(['gzip', 'br'])('decompresses a %s response', async (encoding) => {
    const fetched = body(await fetcher.fetch({ url: `${server.url}/${encoding}/rss2.xml`, purpose: 'feed' }));
    expect(fetched.text).toContain('<title>Border Wire &amp; Friends</title>');
  });

  it('sends the remembered ETag and Last-Modified and gets a 304 with no body', async () => {
    const first = body(await fetcher.fetch({ url: `${server.url}/feeds/atom.xml`, purpose: 'feed' }));
    expect(first.validators).toEqual({ etag: expect.stringMatching(/^".+"$/), lastModified: 'Wed, 25 Nov 2026 12:00:00 GMT' });
    const second = await fetcher.fetch({ url: `${server.url}/feeds/atom.xml`, purpose: 'feed', validators: first.validators });
    expect(second).toMatchObject({ ok: true, value: { status: 304, validators: first.validators } });
    expect(seen('/feeds/atom.xml')[1]?.headers).toMatchObject({ 'if-none-match': first.validators.etag, 'if-modified-since': first.validators.lastModified });
  });

  it('follows a redirect chain within the cap and reports where it ended', async () => {
    const fetched = body(await fetcher.fetch({ url: `${server.url}/redirect/3/rdf.xml`, purpose: 'feed' }));
    expect(fetched.finalUrl).toBe(`${server.url}/rdf.xml`);
  });

  it('gives up on a redirect chain longer than the cap', async () => {
    const result = await fetcher.fetch({ url: `${server.url}/redirect/4/rdf.xml`, purpose: 'feed' });
    expect(result).toMatchObject({ ok: false, error: { code: 'too-many-redirects' } });
    if (!result.ok) expect(explainFetchFailure(result.error)).toBe('too many redirects: more than 3, last to /rdf.xml');
  });

  it('refuses a redirect to the metadata address even with loopback allowed', async () => {
    const result = await fetcher.fetch({ url: `${server.url}/to-metadata`, purpose: 'feed' });
    expect(result).toEqual({ ok: false, error: { code: 'refused-address', url: `${server.url}/to-metadata`, detail: '169.254.169.254, a metadata address' } });
  });

  it('refuses a redirect to a private address', async () => {
    expect(await fetcher.fetch({ url: `${server.url}/to-private`, purpose: 'feed' })).toMatchObject({ ok: false, error: { code: 'refused-address', detail: '10.0.0.7, a private address' } });
  });

  it('times out on a server that does not answer within the total timeout', async () => {
    const started = Date.now();
    expect(await fetcher.fetch({ url: `${server.url}/slow.xml`, purpose: 'feed' })).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('cuts off a body past the byte cap instead of reading it all', async () => {
    const result = await fetcher.fetch({ url: `${server.url}/huge.xml`, purpose: 'feed' });
    expect(result).toMatchObject({ ok: false, error: { code: 'too-large', detail: 'cut off after 1048576 bytes' } });
  });

  it('reports an HTTP error status with the server\'s Retry-After', async () => {
    expect(await fetcher.fetch({ url: `${server.url}/status/503`, purpose: 'feed' })).toMatchObject({ ok: false, error: { code: 'http-status', status: 503, retryAfterMs: 3_600_000 } });
  });

  it('does not fetch an article page that robots.txt disallows, and asks for robots.txt once per host', async () => {
    const result = await fetcher.fetch({ url: `${server.url}/articles/private/report.html`, purpose: 'page' });
    expect(result).toMatchObject({ ok: false, error: { code: 'robots-disallowed' } });
    expect(seen('/articles/private/report.html')).toEqual([]);
    body(await fetcher.fetch({ url: `${server.url}/articles/full.html`, purpose: 'page' }));
    expect(seen('/robots.txt')).toHaveLength(1);
  });

  it('does not consult robots.txt for a feed', async () => {
    const fresh = await feedServer();
    const local = httpFetcher({ allowLoopback: true, hostDelayMs: 0 });
    body(await local.fetch({ url: `${fresh.url}/rss2.xml`, purpose: 'feed' }));
    await local.close();
    await fresh.close();
    expect(fresh.requests.map((request) => request.path)).toEqual(['/rss2.xml']);
  });

  it('keeps one request at a time per host and spaces them by the host delay', async () => {
    const fresh = await feedServer();
    const polite = httpFetcher({ allowLoopback: true, hostDelayMs: 150 });
    const started = Date.now();
    await Promise.all(['rss2.xml', 'atom.xml', 'rdf.xml'].map((file) => polite.fetch({ url: `${fresh.url}/${file}`, purpose: 'feed' })));
    await polite.close();
    await fresh.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
