import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { condense, keyvConversationStore, type BriefRecord, type ConversationStore } from '../../src/discord/keyv-conversation-store.ts';
import { silentLogger } from '../../src/log.ts';
import { openKeyv } from '../../src/store/open-keyv.ts';

const record: BriefRecord = {
  topic: 'china-dprk',
  title: 'China–DPRK relations: 2026-03-01 to 2026-04-10',
  period: { since: '2026-03-01', until: '2026-04-10' },
  mode: 'extractive',
  asOf: '2026-04-10',
  summary: 'Wang Yi held talks in Pyongyang.',
  sources: [{ n: 1, articleId: 'a1', title: 'Talks', outlet: 'Xinhua', url: 'https://example.com/1', publishedAt: '2026-04-10', passage: 'Wang Yi…', passageId: 'a1#0' }],
};

let dir: string;
let storeUrl: string;
const open: ConversationStore[] = [];
const openStore = (ttlMinutes = 60) => {
  const store = keyvConversationStore({ STORE_URL: storeUrl, CONVERSATION_TTL_MINUTES: ttlMinutes }, silentLogger());
  open.push(store);
  return store;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'briefing-conversation-'));
  storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Keyv conversation store', () => {
  it('remembers a brief by its message id across a restart', async () => {
    await openStore().saveBrief('111', record);
    expect(await openStore().brief('111')).toEqual(record);
  });

  it('starts a thread\'s conversation with the brief itself as the first turn, and links the thread to the brief', async () => {
    const store = openStore();
    await store.saveBrief('111', record);
    const conversation = await store.linkThread('111', '111');
    expect(conversation).toMatchObject({ messageId: '111', topic: 'china-dprk', turns: [{ question: record.title, answer: record.summary }] });
    expect((await store.brief('111'))?.threadId).toBe('111');
  });

  it('appends turns and hands dates back as Dates after a restart', async () => {
    const store = openStore();
    await store.saveBrief('111', record);
    await store.linkThread('111', '222');
    await store.appendTurn('222', { question: 'Who?', answer: 'Wang Yi.', askedAt: new Date('2026-04-11T10:00:00Z') });
    const turns = (await openStore().conversation('222'))?.turns ?? [];
    expect(turns.map((turn) => turn.question)).toEqual([record.title, 'Who?']);
    expect(turns[1]?.askedAt).toEqual(new Date('2026-04-11T10:00:00Z'));
  });

  it('treats a record that no longer parses as absent instead of failing', async () => {
    const raw = openKeyv<unknown>(storeUrl, 'conversation', silentLogger());
    await raw.set('message:333', { topic: 42 });
    await raw.disconnect();
    expect(await openStore().brief('333')).toBeUndefined();
  });

  it('forgets a quiet conversation after CONVERSATION_TTL_MINUTES but keeps the brief for its buttons', async () => {
    const store = openStore(0.002); // 120 ms
    await store.saveBrief('111', record);
    await store.linkThread('111', '222');
    await new Promise((done) => setTimeout(done, 250));
    expect(await store.conversation('222')).toBeUndefined();
    expect(await store.brief('111')).toBeDefined();
  });
});

describe('conversation context', () => {
  it('keeps the newest turns that fit, oldest first', () => {
    const turns = ['one', 'two', 'three'].map((question) => ({ question, answer: 'x'.repeat(30), askedAt: new Date(0) }));
    expect(condense(turns, 72)).toBe(`two\n${'x'.repeat(30)}\n\nthree\n${'x'.repeat(30)}`);
  });
});
