import type Keyv from 'keyv';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { Period, Source } from '../model.ts';
import { openKeyv } from '../store/open-keyv.ts';

const Turn = z.object({ question: z.string(), answer: z.string(), askedAt: z.coerce.date() });
export type Turn = z.infer<typeof Turn>;

/** What a posted brief or answer message needs for its buttons: the Sources list and follow-up questions. */
const BriefRecord = z.object({
  topic: z.string().nullable(),
  title: z.string(),
  period: Period,
  mode: z.enum(['extractive', 'llm']),
  asOf: z.string().nullable(),
  question: z.string().optional(),
  /** The points' text, the first turn of a follow-up conversation. */
  summary: z.string(),
  sources: z.array(Source),
  /** The public thread started on this message, once someone asked a follow-up. */
  threadId: z.string().optional(),
});
export type BriefRecord = z.infer<typeof BriefRecord>;

const Conversation = z.object({ messageId: z.string(), topic: z.string().nullable(), turns: z.array(Turn) });
export type Conversation = z.infer<typeof Conversation>;

/**
 * A brief's buttons keep working for this long after it was posted, restarts included. Its follow-up thread
 * forgets its conversation after CONVERSATION_TTL_MINUTES of quiet instead.
 */
const BRIEF_RECORD_TTL_MS = 30 * 24 * 60 * 60_000;

export type ConversationStore = {
  saveBrief(messageId: string, record: BriefRecord): Promise<void>;
  brief(messageId: string): Promise<BriefRecord | undefined>;
  /** Records that `threadId` continues the brief posted as `messageId`; keeps any turns it already has. */
  linkThread(messageId: string, threadId: string): Promise<Conversation>;
  conversation(threadId: string): Promise<Conversation | undefined>;
  /** Appends a turn and restarts the conversation's TTL. */
  appendTurn(threadId: string, turn: Turn): Promise<void>;
  close(): Promise<void>;
};

/** Turns per thread and brief records per message, in the Keyv namespace `conversation`; parsed on read. */
export function keyvConversationStore(config: Pick<Config, 'STORE_URL' | 'CONVERSATION_TTL_MINUTES'>, log: Logger): ConversationStore {
  const conversationTtlMs = config.CONVERSATION_TTL_MINUTES * 60_000;
  const keyv: Keyv<unknown> = openKeyv<unknown>(config.STORE_URL, 'conversation', log, conversationTtlMs);

  /** A record written by an older version that no longer parses counts as absent, with a warning. */
  const read = async <T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    const raw = await keyv.get(key);
    if (raw === undefined || raw === null) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    log.warn({ key, issues: parsed.error.issues.length }, 'ignored an unreadable conversation record');
    return undefined;
  };

  const store: ConversationStore = {
    saveBrief: async (messageId, record) => {
      await keyv.set(`message:${messageId}`, record, BRIEF_RECORD_TTL_MS);
    },
    brief: (messageId) => read(`message:${messageId}`, BriefRecord),
    linkThread: async (messageId, threadId) => {
      const record = await store.brief(messageId);
      if (record && record.threadId !== threadId) await store.saveBrief(messageId, { ...record, threadId });
      const existing = await store.conversation(threadId);
      if (existing) return existing;
      const turns = record ? [{ question: record.question ?? record.title, answer: record.summary, askedAt: new Date() }] : [];
      const conversation: Conversation = { messageId, topic: record?.topic ?? null, turns };
      await keyv.set(`thread:${threadId}`, conversation);
      return conversation;
    },
    conversation: (threadId) => read(`thread:${threadId}`, Conversation),
    appendTurn: async (threadId, turn) => {
      const current = await store.conversation(threadId);
      if (!current) return;
      await keyv.set(`thread:${threadId}`, { ...current, turns: [...current.turns, turn] });
    },
    close: () => keyv.disconnect(),
  };
  return store;
}

/** Earlier turns as plain text for `app.ask({ context })`: the newest that fit in `maxChars`, oldest first. */
export function condense(turns: readonly Turn[], maxChars = 4000): string {
  const parts: string[] = [];
  let used = 0;
  for (const turn of [...turns].reverse()) {
    const part = `${turn.question}\n${turn.answer}`;
    const cost = part.length + (parts.length > 0 ? 2 : 0); // the blank line between turns
    if (used + cost > maxChars && parts.length > 0) break;
    parts.unshift(part.slice(0, maxChars));
    used += cost;
  }
  return parts.join('\n\n');
}
