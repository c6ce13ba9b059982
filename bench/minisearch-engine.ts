import MiniSearch from 'minisearch';

export type EngineDoc = { id: number; text: string };

/** MiniSearch with its stock settings (OR of the words, no prefix or fuzzy matching), as a user would start. */
const OPTIONS = { fields: ['text'] };

export function buildMiniSearch(docs: readonly EngineDoc[]): MiniSearch<EngineDoc> {
  const index = new MiniSearch<EngineDoc>(OPTIONS);
  index.addAll(docs);
  return index;
}

export const miniSearchTop = (index: MiniSearch<EngineDoc>, query: string, k: number): number[] =>
  index.search(query).slice(0, k).map((result) => Number(result.id));

export const loadMiniSearch = (json: string): MiniSearch<EngineDoc> => MiniSearch.loadJSON<EngineDoc>(json, OPTIONS);
