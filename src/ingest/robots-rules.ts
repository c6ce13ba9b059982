import robotsParserModule from 'robots-parser';

type Robot = { isAllowed(url: string, userAgent?: string): boolean | undefined };
/** The package's types describe an ES default export, but it is CommonJS: the import is the function. */
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

/** What fetching /robots.txt gave: its text, a status, or no answer at all. */
export type RobotsAnswer = { status: number; text: string } | { unreachable: string };

export type RobotsRules = {
  /** Whether `token` may fetch `url`. Fetches and caches the host's robots.txt on first use. */
  allows(url: URL): Promise<boolean>;
};

/**
 * robots.txt per origin, cached for `ttlMs`. Following RFC 9309: a 4xx (no robots.txt) allows
 * everything, while a 5xx or no answer disallows everything until the next try.
 */
export function robotsRules(fetchRobots: (robotsUrl: string) => Promise<RobotsAnswer>, options: { token: string; ttlMs: number; now: () => number }): RobotsRules {
  const cache = new Map<string, { rules: Robot | 'allow-all' | 'disallow-all'; expiresAt: number }>();
  const load = async (origin: string) => {
    const robotsUrl = `${origin}/robots.txt`;
    const answer = await fetchRobots(robotsUrl);
    if ('unreachable' in answer || answer.status >= 500) return 'disallow-all' as const;
    if (answer.status >= 400) return 'allow-all' as const;
    return robotsParser(robotsUrl, answer.text);
  };
  return {
    async allows(url) {
      let entry = cache.get(url.origin);
      if (!entry || entry.expiresAt <= options.now()) {
        entry = { rules: await load(url.origin), expiresAt: options.now() + options.ttlMs };
        cache.set(url.origin, entry);
      }
      if (entry.rules === 'allow-all') return true;
      if (entry.rules === 'disallow-all') return false;
      return entry.rules.isAllowed(url.href, options.token) !== false;
    },
  };
}
