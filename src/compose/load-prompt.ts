import { readFile } from 'node:fs/promises';

/** A prompt template with its variables checked: call it with every declared variable. */
export type Prompt<Var extends string> = (values: Record<Var, string>) => string;

export const PROMPTS_DIR = new URL('../../prompts/', import.meta.url);

const VARIABLE = /\{\{(\w+)\}\}/g;

export class PromptError extends Error {
  override name = 'PromptError';
}

/**
 * Reads prompts/<file> and checks it against the variables the code declares, both ways: a variable
 * the file uses but the code does not fill, or one the code fills but the file never uses, fails at
 * startup rather than in a member's /brief (STYLE 3.12). Values are inserted in one pass, so a
 * source that contains "{{question}}" stays text.
 */
export async function loadPrompt<const Var extends string>(file: string, vars: readonly Var[], dir: URL = PROMPTS_DIR): Promise<Prompt<Var>> {
  const template = await readFile(new URL(file, dir), 'utf8');
  const used = new Set(Array.from(template.matchAll(VARIABLE), (match) => match[1]!));
  const declared = new Set<string>(vars);
  const unused = vars.filter((name) => !used.has(name));
  const undeclared = [...used].filter((name) => !declared.has(name));
  if (unused.length > 0 || undeclared.length > 0) {
    const parts = [
      ...(undeclared.length ? [`uses {{${undeclared.join('}}, {{')}}} that the code does not fill`] : []),
      ...(unused.length ? [`never uses {{${unused.join('}}, {{')}}} that the code fills`] : []),
    ];
    throw new PromptError(`prompts/${file} ${parts.join(' and ')}.`);
  }
  return (values) => template.replace(VARIABLE, (_, name: string) => values[name as Var]);
}

/** `language` is a whole rule, from languageRule: the language to write in. */
export const BRIEF_VARS = ['topic', 'period', 'asOf', 'language', 'sources'] as const;
export const ASK_VARS = ['question', 'topic', 'asOf', 'language', 'sources'] as const;
export const CONDENSE_VARS = ['history', 'question'] as const;

export type BriefVar = (typeof BRIEF_VARS)[number];
export type AskVar = (typeof ASK_VARS)[number];
export type CondenseVar = (typeof CONDENSE_VARS)[number];

export type Prompts = {
  brief: Prompt<BriefVar>;
  ask: Prompt<AskVar>;
  condense: Prompt<CondenseVar>;
  /** Same variables as a brief: a digest is a brief over what is new since the last one. */
  digest: Prompt<BriefVar>;
};

/** Every prompt the app uses, loaded once at startup. */
export async function loadPrompts(dir: URL = PROMPTS_DIR): Promise<Prompts> {
  const [brief, ask, condense, digest] = await Promise.all([
    loadPrompt('brief.md', BRIEF_VARS, dir),
    loadPrompt('ask.md', ASK_VARS, dir),
    loadPrompt('condense.md', CONDENSE_VARS, dir),
    loadPrompt('digest.md', BRIEF_VARS, dir),
  ]);
  return { brief, ask, condense, digest };
}
