import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Result } from '../model.ts';

/** Why an address is not fetched; `public` is the only class that is. */
export type AddressClass =
  | 'public' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'multicast'
  | 'unspecified' | 'broadcast' | 'metadata' | 'reserved' | 'invalid';

/** Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle; AWS over IPv6). Named apart so a log says what was tried. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '169.254.170.2']);

const RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'cgnat',
  uniqueLocal: 'unique-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

/**
 * Classifies one IP address. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it
 * carries; everything ipaddr.js does not call plain unicast (6to4, NAT64, Teredo, documentation
 * ranges …) is `reserved`, because those can tunnel to an address we would otherwise refuse.
 */
export function classifyAddress(raw: string): AddressClass {
  const text = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return 'invalid';
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) address = v6.toIPv4Address();
    // IPv4-compatible ::a.b.c.d (deprecated) is "unicast" to ipaddr.js; nothing public lives there.
    else if (v6.parts.slice(0, 6).every((part) => part === 0) && v6.range() === 'unicast') return 'reserved';
  }
  if (METADATA.has(address.toString())) return 'metadata';
  return RANGE_CLASS[address.range()] ?? 'reserved';
}

export type Resolve = (hostname: string) => Promise<string[]>;

/** Every address the system resolver gives, in its order (dns.lookup, so /etc/hosts counts too). */
export const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export type GuardOptions = {
  /**
   * Test-only: also allow 127.0.0.0/8 and ::1, so tests can fetch from a loopback server. Nothing
   * else private becomes reachable. Default false.
   */
  allowLoopback?: boolean;
  /** Name resolution; default the system resolver. Tests pass a table so no query leaves the machine. */
  resolve?: Resolve;
};

export type GuardRefusal = { host: string; address?: string; class: AddressClass | 'scheme' | 'unresolvable'; reason: string };
export type SsrfGuard = {
  /** The addresses a connection to `url` may use, all checked; or why there are none. */
  check(url: URL): Promise<Result<string[], GuardRefusal>>;
};

export function ssrfGuard(options: GuardOptions = {}): SsrfGuard {
  const resolve = options.resolve ?? systemResolve;
  const allowed = (cls: AddressClass) => cls === 'public' || (cls === 'loopback' && options.allowLoopback === true);
  return {
    async check(url) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { ok: false, error: { host, class: 'scheme', reason: `only http and https are fetched, not ${url.protocol}` } };
      }
      let addresses: string[];
      if (ipaddr.isValid(host)) addresses = [host];
      else {
        try {
          addresses = await resolve(host);
        } catch (err) {
          return { ok: false, error: { host, class: 'unresolvable', reason: `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` } };
        }
        if (addresses.length === 0) return { ok: false, error: { host, class: 'unresolvable', reason: `${host} has no address` } };
      }
      // Every address must pass: a name that also resolves to an internal address is refused outright.
      for (const address of addresses) {
        const cls = classifyAddress(address);
        if (!allowed(cls)) {
          const via = address === host ? host : `${host} resolves to ${address}`;
          return { ok: false, error: { host, address, class: cls, reason: `${via}, a ${cls} address` } };
        }
      }
      return { ok: true, value: addresses };
    },
  };
}
