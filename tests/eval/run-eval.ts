import { runEval } from './evaluate.ts';

/** `npm run eval`: prints the retrieval and answer figures for the dev set; --json prints one object. */
const report = await runEval();
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const f = (value: number) => value.toFixed(3);
  const lines = [
    `dev set: ${report.questions} questions, ${report.ask.unanswerable} unanswerable`,
    '',
    'retrieval          recall@5   MRR     nDCG@10',
    ...Object.entries(report.retrieval).map(([label, s]) => `${label.padEnd(18)} ${f(s.recallAt5)}      ${f(s.mrr)}   ${f(s.ndcgAt10)}`),
    '',
    `ask: answers citing an expected article ${f(report.ask.answeredWithExpected)}; abstained on unanswerable ${f(report.ask.abstained)}`,
    '',
    'questions with recall@5 < 1 (lexical+aliases):',
    ...report.misses.map((miss) => `  ${miss.id} (${f(miss.recallAt5)}): ${miss.question}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
