import sqlite3 from 'sqlite3';
import type { EngineDoc } from './minisearch-engine.ts';

/** SQLite FTS5 through the `sqlite3` driver @keyv/sqlite already ships: stock unicode61 tokenizer, ranked by bm25(). */
export type Fts5 = { top(query: string, k: number): Promise<number[]>; close(): Promise<undefined> };

const promised = <T>(run: (done: (err: Error | null, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
/** For callbacks that carry only an error. */
const completed = (run: (done: (err: Error | null) => void) => void) =>
  new Promise<undefined>((resolve, reject) => run((err) => (err ? reject(err) : resolve(undefined))));

export async function openFts5(path: string): Promise<Fts5> {
  const db = await promised<sqlite3.Database>((done) => {
    const opened: sqlite3.Database = new sqlite3.Database(path, (err) => done(err, opened));
  });
  const exec = (sql: string) => completed((done) => db.exec(sql, (err) => done(err)));
  await exec('CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(body)');
  return {
    top: (query, k) =>
      promised<{ rowid: number }[]>((done) => db.all('SELECT rowid FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?', [ftsQuery(query), k], (err, rows: { rowid: number }[]) => done(err, rows))).then((rows) => rows.map((row) => row.rowid)),
    close: () => completed((done) => db.close((err) => done(err))),
  };
}

/** Fills the table in one transaction (rowid = our passage number, so results compare directly). */
export async function fillFts5(path: string, docs: readonly EngineDoc[]): Promise<void> {
  const db = new sqlite3.Database(path);
  await new Promise<void>((resolve, reject) => {
    db.serialize(() => {
      db.run('CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(body)');
      db.run('BEGIN');
      const insert = db.prepare('INSERT INTO passages(rowid, body) VALUES (?, ?)');
      for (const doc of docs) insert.run(doc.id, doc.text);
      insert.finalize();
      db.run('COMMIT', (err) => (err ? reject(err) : resolve()));
    });
  });
  await completed((done) => db.close((err) => done(err)));
}

/** Each word quoted (so FTS5 syntax in a query is literal) and OR-ed, as BM25 ranks a bag of words. */
export function ftsQuery(query: string): string {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].map((word) => `"${word}"`).join(' OR ');
}
