import { isoDay, type Article, type Brief, type Passage, type Period, type Source } from '../model.ts';
import type { Verification } from './verify-citations.ts';

/** A claim as a composer wrote it, citing passages by id. */
export type Claim = { text: string; date?: string | undefined; citations: string[] };

/** What a composer returns; toBrief numbers its sources. `verification` is set once the citation check ran. */
export type Draft = { claims: Claim[]; composedBy: 'extractive' | 'llm'; notices: string[]; verification?: Verification | undefined };

export type Cited = { passage: Passage; article: Article };

/**
 * Numbers the cited passages in order of first citation and drops any citation to a passage the
 * composer was not handed: a brief never points at text that is not in the store.
 */
export function toBrief(draft: Draft, cited: ReadonlyMap<string, Cited>, meta: { topic: string | null; period: Period; question?: string }): Brief {
  const numbers = new Map<string, number>();
  const sources: Source[] = [];
  const points = draft.claims.flatMap((claim) => {
    const citations = claim.citations.flatMap((passageId) => {
      const found = cited.get(passageId);
      if (!found) return [];
      let n = numbers.get(passageId);
      if (n === undefined) {
        n = sources.length + 1;
        numbers.set(passageId, n);
        const { article, passage } = found;
        sources.push({
          n,
          articleId: article.id,
          title: article.title,
          outlet: article.outlet,
          url: article.url,
          publishedAt: isoDay(article.publishedAt),
          passage: passage.text,
          passageId: passage.id,
          ...(article.basedOn ? { basedOn: article.basedOn } : {}),
        });
      }
      return [n];
    });
    const unique = [...new Set(citations)];
    return unique.length > 0 ? [{ text: claim.text, citations: unique, ...(claim.date ? { date: claim.date } : {}) }] : [];
  });
  const newest = sources.reduce<string | null>((latest, source) => (latest === null || source.publishedAt > latest ? source.publishedAt : latest), null);
  return {
    topic: meta.topic,
    mode: draft.composedBy,
    asOf: newest,
    period: meta.period,
    points,
    sources,
    notices: draft.notices,
    ...(meta.question !== undefined ? { question: meta.question } : {}),
  };
}
