import type { IngestReport } from '../ingest/ingest.ts';
import type { FeedRunReport } from '../ingest/ingest-feeds.ts';
import type { Brief, Hit } from '../model.ts';
import { isoDay } from '../model.ts';

const modeLabel = (brief: Brief) => (brief.mode === 'extractive' ? 'offline extractive' : `written by ${brief.model ?? 'a model'}, citations checked`);

/** Numbered points with [n] markers, then the numbered sources with outlet, date and URL. */
export function briefText(brief: Brief, title: string): string {
  const period = brief.period.since ? `${brief.period.since} to ${brief.period.until}` : `up to ${brief.period.until}`;
  const lines = [
    brief.question ? `Q: ${brief.question}` : `${title}: ${period}`,
    `(${modeLabel(brief)}${brief.asOf ? ` · as of ${brief.asOf}` : ''})`,
    '',
  ];
  for (const notice of brief.notices) lines.push(`Note: ${notice}`);
  if (brief.notices.length > 0) lines.push('');
  brief.points.forEach((point, index) => {
    const marks = point.citations.map((n) => `[${n}]`).join('');
    lines.push(`${index + 1}. ${point.date ? `${point.date} — ` : ''}${point.text} ${marks}`);
  });
  if (brief.sources.length > 0) {
    lines.push('', 'Sources');
    for (const source of brief.sources) {
      lines.push(`[${source.n}] ${source.title} — ${source.outlet}, ${source.publishedAt}`, `    ${source.url}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function hitsText(hits: readonly Hit[]): string {
  if (hits.length === 0) return 'No matching passages.\n';
  return `${hits
    .map((hit, index) => {
      const snippet = hit.passage.text.length > 300 ? `${hit.passage.text.slice(0, 297)}...` : hit.passage.text;
      return `${index + 1}. ${hit.article.title} — ${hit.article.outlet}, ${isoDay(hit.article.publishedAt)} (score ${hit.score.toFixed(2)})\n   ${hit.article.url}\n   ${snippet}`;
    })
    .join('\n\n')}\n`;
}

export function ingestText(report: IngestReport): string {
  const lines = [`added ${report.added.length}, updated ${report.updated.length}, skipped ${report.skipped.length}`];
  for (const entry of report.added) lines.push(`  added    ${entry.title} (${entry.source})`);
  for (const entry of report.updated) lines.push(`  updated  ${entry.title} (${entry.source})`);
  for (const skip of report.skipped) lines.push(`  skipped  ${skip.source}${skip.item ? ` [${skip.item}]` : ''}: ${skip.reason}`);
  return `${lines.join('\n')}\n`;
}

export function feedRunText(report: FeedRunReport): string {
  const lines = [
    `fetched ${report.fetched}, not modified ${report.notModified}, new ${report.new}, updated ${report.updated}, duplicate ${report.duplicate}, failed ${report.failed}, backing off ${report.backingOff}`,
  ];
  for (const feed of report.feeds) {
    lines.push(`  ${feed.status.padEnd(13)} ${feed.name}: ${feed.items} items, ${feed.new} new${feed.reason ? ` (${feed.reason})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
