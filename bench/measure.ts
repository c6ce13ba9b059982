import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection before a memory reading, so the figure is what is live and not garbage. */
const collect = runInNewContext('gc') as () => void;

export type Percentiles = { p50: number; p95: number; p99: number; mean: number; n: number };

/** Nearest-rank percentiles, in milliseconds. */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean, n: sorted.length };
}

/** Runs `work` once per input and returns the latency of each call in milliseconds. */
export async function latencies<T>(inputs: readonly T[], work: (input: T) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await work(input);
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** heapMB counts typed arrays too: their buffers live outside V8's heap but are ours all the same. */
export type Memory = { heapMB: number; rssMB: number };

export function memory(): Memory {
  collect();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapMB: (heapUsed + arrayBuffers) / 2 ** 20, rssMB: rss / 2 ** 20 };
}

/** What `work` left live on the heap (and how RSS moved), measured around it with full collections. */
export async function retained<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number; heapMB: number; rssMB: number }> {
  const before = memory();
  const { value, ms } = await timed(work);
  const after = memory();
  return { value, ms, heapMB: after.heapMB - before.heapMB, rssMB: after.rssMB - before.rssMB };
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** A plain aligned table: first column left, the rest right. */
export function table(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [`## ${title}`, line(cells[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line), ''].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(Math.abs(value) < 0.1 ? 3 : 2);
}
