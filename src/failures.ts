/** Expected failures: values with a code, explained to the user in one place. */
export type AppFailure =
  | { code: 'unknown-topic'; topic: string; known: readonly string[] }
  | { code: 'bad-date'; option: string; value: string }
  | { code: 'bad-period'; since: string; until: string }
  | { code: 'no-articles'; topic: string | null }
  | { code: 'empty-query' };

export function explain(failure: AppFailure): string {
  switch (failure.code) {
    case 'unknown-topic':
      return `Unknown topic "${failure.topic}". Known topics: ${failure.known.join(', ')}.`;
    case 'bad-date':
      return `${failure.option} "${failure.value}" is not a date: use YYYY-MM-DD or a number of days such as 7d.`;
    case 'bad-period':
      return `The period is empty: since ${failure.since} is after until ${failure.until}.`;
    case 'no-articles':
      return failure.topic
        ? `No articles on ${failure.topic} in the store yet. Add some with \`briefing-bot ingest <file|folder>\`.`
        : 'The store holds no articles yet. Add some with `briefing-bot ingest <file|folder>`.';
    case 'empty-query':
      return 'The question is empty: ask something, e.g. "when did Xi last visit Pyongyang?".';
  }
}
