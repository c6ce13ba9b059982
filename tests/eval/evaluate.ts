import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { articleId } from '../../src/ingest/article-id.ts';
import { silentLogger } from '../../src/log.ts';

const Question = z.object({ id: z.string(), question: z.string().min(1), topic: z.string().optional(), expected: z.array(z.url()).min(1) });
const Unanswerable = z.object({ id: z.string(), question: z.string().min(1), topic: z.string().optional() });
type Question = z.infer<typeof Question>;

const EVAL_DIR = import.meta.dirname;
/** The eval runs as of a fixed day, so recency boosts (and so the figures) do not drift with the calendar. */
const EVAL_NOW = new Date('2026-11-27T12:00:00Z');

export function loadQuestions(): Question[] {
  const dir = join(EVAL_DIR, 'questions');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => z.array(Question).parse(JSON.parse(readFileSync(join(dir, name), 'utf8'))));
}

export const loadUnanswerable = () => z.array(Unanswerable).parse(JSON.parse(readFileSync(join(EVAL_DIR, 'unanswerable.json'), 'utf8')));

type RankingScores = { recallAt5: number; mrr: number; ndcgAt10: number };

/** Binary relevance over the article ranking (passages collapsed to their first appearance). */
export function scoreRanking(ranked: readonly string[], expected: ReadonlySet<string>): RankingScores {
  const top5 = ranked.slice(0, 5).filter((id) => expected.has(id)).length;
  const first = ranked.findIndex((id) => expected.has(id));
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => (dcg += expected.has(id) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(10, expected.size); i++) ideal += 1 / Math.log2(i + 2);
  return { recallAt5: top5 / expected.size, mrr: first < 0 ? 0 : 1 / (first + 1), ndcgAt10: ideal > 0 ? dcg / ideal : 0 };
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

export type EvalReport = {
  questions: number;
  retrieval: Partial<Record<'lexical' | 'lexical+aliases' | 'hybrid', RankingScores>>;
  misses: { id: string; question: string; recallAt5: number }[];
  ask: { answeredWithExpected: number; unanswerable: number; abstained: number };
};

/** Runs the dev set against a fresh store loaded with the bundled corpus. */
export async function runEval(): Promise<EvalReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefing-eval-'));
  // With EMBEDDING_MODEL (and a key) in the environment, the hybrid path is measured too.
  const model = Object.fromEntries(
    ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'EMBEDDING_MODEL'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  const hybrid = Boolean(model.EMBEDDING_MODEL && model.OPENAI_API_KEY);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', CORPUS_DIR: resolve(EVAL_DIR, '../../data/corpus'), ...(hybrid ? model : {}) });
  const app = await createApp(config, silentLogger(), () => EVAL_NOW);
  try {
    const questions = loadQuestions();
    const retrieval: EvalReport['retrieval'] = {};
    const misses: EvalReport['misses'] = [];
    const variants = [['lexical', false, false], ['lexical+aliases', true, false], ...(hybrid ? [['hybrid', true, true] as const] : [])] as const;
    for (const [label, expandAliases, useVectors] of variants) {
      const scores: RankingScores[] = [];
      for (const question of questions) {
        const result = await app.search({ query: question.question, k: 10, topic: question.topic, expandAliases, hybrid: useVectors });
        if (!result.ok) throw new Error(`${question.id}: ${result.error.code}`);
        const ranked = [...new Set(result.value.map((hit) => hit.article.id))];
        const score = scoreRanking(ranked, new Set(question.expected.map((url) => articleId({ url, text: '' }))));
        scores.push(score);
        if (label === 'lexical+aliases' && score.recallAt5 < 1) misses.push({ id: question.id, question: question.question, recallAt5: score.recallAt5 });
      }
      retrieval[label] = { recallAt5: mean(scores.map((s) => s.recallAt5)), mrr: mean(scores.map((s) => s.mrr)), ndcgAt10: mean(scores.map((s) => s.ndcgAt10)) };
    }

    let answeredWithExpected = 0;
    for (const question of questions) {
      const result = await app.ask({ question: question.question, topic: question.topic });
      const expected = new Set(question.expected.map((url) => articleId({ url, text: '' })));
      if (result.ok && result.value.sources.some((source) => expected.has(source.articleId))) answeredWithExpected++;
    }
    const unanswerable = loadUnanswerable();
    let abstained = 0;
    for (const question of unanswerable) {
      const result = await app.ask({ question: question.question, topic: question.topic });
      if (result.ok && result.value.points.length === 0) abstained++;
    }
    return {
      questions: questions.length,
      retrieval,
      misses,
      ask: { answeredWithExpected: answeredWithExpected / questions.length, unanswerable: unanswerable.length, abstained: abstained / unanswerable.length },
    };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
