import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const Outlet = z.object({
  outlet: z.string().min(1),
  /** Run by a state or ruling party: its claims are attributed ("KCNA said …"), never stated as fact. */
  stateMedia: z.boolean(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO country code such as CN'),
  /** Other names the outlet goes by in text, e.g. "Korean Central News Agency". */
  aliases: z.array(z.string().min(1)).optional(),
});
export type Outlet = z.infer<typeof Outlet>;

export const OUTLETS_FILE = new URL('../../data/outlets.json', import.meta.url);

/** data/outlets.json, checked: a typo there is a startup error, not a missing state-media flag. */
export async function loadOutlets(file: URL | string = OUTLETS_FILE): Promise<Outlet[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const result = z.array(Outlet).safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`${String(file)} is invalid:\n${lines.join('\n')}`);
}

const fold = (name: string) => name.trim().toLowerCase().replace(/[’‘]/g, "'");

/** Whether an article's outlet is state media; outlets not in the list are not. */
export function stateMediaCheck(outlets: readonly Outlet[]): (outlet: string) => boolean {
  const state = new Set(outlets.filter((o) => o.stateMedia).flatMap((o) => [o.outlet, ...(o.aliases ?? [])]).map(fold));
  return (outlet) => state.has(fold(outlet));
}
