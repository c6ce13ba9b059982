import type { StoryRecord as StoryRecordType, StoryStore } from '../ingest/stories.ts';
import { StoryRecord } from '../ingest/stories.ts';
import type { Logger } from '../log.ts';
import { openKeyv } from './open-keyv.ts';

/** articleId -> story record in the "story" namespace; parsed on read, unparseable records are skipped. */
export function keyvStoryStore(url: string, log: Logger, namespacePrefix = ''): StoryStore {
  const keyv = openKeyv<unknown>(url, `${namespacePrefix}story`, log);
  const parse = (raw: unknown): StoryRecordType | undefined => {
    const parsed = StoryRecord.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    get: async (articleId) => parse(await keyv.get(articleId)),
    async storyIds(articleIds) {
      if (articleIds.length === 0) return new Map();
      const raws = await keyv.getMany([...articleIds]);
      const ids = new Map<string, string>();
      raws.forEach((raw, index) => {
        const record = parse(raw);
        if (record) ids.set(articleIds[index]!, record.storyId);
      });
      return ids;
    },
    async recent(since) {
      if (!keyv.iterator) throw new Error('This store cannot list its keys; use sqlite:// or redis://.');
      const records: StoryRecordType[] = [];
      for await (const [, raw] of keyv.iterator(undefined)) {
        const record = parse(raw);
        if (record && record.seenAt >= since) records.push(record);
      }
      return records;
    },
    async putMany(records) {
      if (records.length > 0) await keyv.setMany(records.map((record) => ({ key: record.articleId, value: StoryRecord.parse(record) })));
    },
    close: () => keyv.disconnect(),
  };
}
