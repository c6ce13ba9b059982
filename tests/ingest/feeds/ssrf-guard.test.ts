import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpFetcher } from '../../../src/ingest/http-fetcher.ts';
import { classifyAddress, ssrfGuard } from '../../../src/ingest/ssrf-guard.ts';
import { listen } from '../../support/feed-server.ts';

describe('address classification', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['not-an-ip', 'invalid'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111'])('lets the public address %s through', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });
});

describe('SSRF guard', () => {
  const table = (entries: Record<string, string[]>) => async (host: string) => {
    const found = entries[host];
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return found;
  };

  it('refuses a name that resolves to a private address and says which address it was', async () => {
    const guard = ssrfGuard({ resolve: table({ 'intranet.test': ['10.0.0.5'] }) });
    expect(await guard.check(new URL('http://intranet.test/feed'))).toEqual({
      ok: false,
      error: { host: 'intranet.test', address: '10.0.0.5', class: 'private', reason: 'intranet.test resolves to 10.0.0.5, a private address' },
    });
  });

  it('refuses a name when any one of its addresses is internal, not only the first', async () => {
    const guard = ssrfGuard({ resolve: table({ 'mixed.test': ['93.184.215.14', '::ffff:127.0.0.1'] }) });
    expect(await guard.check(new URL('https://mixed.test/'))).toMatchObject({ ok: false, error: { class: 'loopback' } });
  });

  it('allows loopback only when allowLoopback is set, and nothing else private with it', async () => {
    const resolve = table({ localhost: ['127.0.0.1', '::1'] });
    expect(await ssrfGuard({ resolve }).check(new URL('http://localhost:8080/'))).toMatchObject({ ok: false, error: { class: 'loopback' } });
    expect(await ssrfGuard({ resolve, allowLoopback: true }).check(new URL('http://localhost:8080/'))).toEqual({ ok: true, value: ['127.0.0.1', '::1'] });
    const loose = ssrfGuard({ allowLoopback: true });
    for (const url of ['http://169.254.169.254/', 'http://10.0.0.1/', 'http://[fe80::1]/', 'http://[fc00::1]/', 'http://0.0.0.0/']) {
      expect(await loose.check(new URL(url))).toMatchObject({ ok: false });
    }
  });

  it('refuses schemes other than http and https', async () => {
    expect(await ssrfGuard().check(new URL('file:///etc/passwd'))).toMatchObject({ ok: false, error: { class: 'scheme' } });
  });

  it('reports a name that does not resolve as unresolvable instead of throwing', async () => {
    const guard = ssrfGuard({ resolve: table({}) });
    expect(await guard.check(new URL('http://nowhere.test/'))).toMatchObject({ ok: false, error: { class: 'unresolvable', reason: 'cannot resolve nowhere.test: ENOTFOUND' } });
  });
});

describe('fetcher against internal addresses', () => {
  // undici announces every connection attempt here; a refused fetch must not produce one.
  const connects: string[] = [];
  const onConnect = (message: unknown) => connects.push(String((message as { connectParams: { hostname: string } }).connectParams.hostname));
  beforeAll(() => subscribe('undici:client:beforeConnect', onConnect));
  afterAll(() => unsubscribe('undici:client:beforeConnect', onConnect));
  afterEach(() => {
    connects.length = 0;
  });

  it('sees the connection attempt of a fetch that is allowed (so an empty list below means something)', async () => {
    const server = await listen((_req, res) => res.end('<rss version="2.0"><channel><title>t</title></channel></rss>'));
    const fetcher = httpFetcher({ hostDelayMs: 0, allowLoopback: true });
    const result = await fetcher.fetch({ url: `${server.url}/feed.xml`, purpose: 'feed' });
    await fetcher.close();
    await server.close();
    expect(result.ok).toBe(true);
    expect(connects).toEqual(['127.0.0.1']);
  });

  it.each([
    'http://10.0.0.1/feed.xml',
    'http://172.20.1.1/feed.xml',
    'http://192.168.0.10/feed.xml',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/feed.xml',
    'http://[fe80::1]/feed.xml',
    'http://[fc00::1]/feed.xml',
    'http://[::ffff:127.0.0.1]/feed.xml',
    'http://0.0.0.0/feed.xml',
    'http://100.64.1.1/feed.xml',
    'http://127.0.0.1:9/feed.xml',
  ])('refuses %s before opening a connection', async (url) => {
    const fetcher = httpFetcher({ hostDelayMs: 0 });
    const result = await fetcher.fetch({ url, purpose: 'feed' });
    await fetcher.close();
    expect(result).toMatchObject({ ok: false, error: { code: 'refused-address' } });
    expect(connects).toEqual([]);
  });

  it('refuses a hostname whose address is the metadata service before opening a connection', async () => {
    const fetcher = httpFetcher({ hostDelayMs: 0, resolve: async () => ['169.254.169.254'] });
    const result = await fetcher.fetch({ url: 'http://metadata.test/computeMetadata/v1/', purpose: 'feed' });
    await fetcher.close();
    expect(result).toMatchObject({ ok: false, error: { code: 'refused-address', detail: 'metadata.test resolves to 169.254.169.254, a metadata address' } });
    expect(connects).toEqual([]);
  });
});
