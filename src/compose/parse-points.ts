import { z } from 'zod';
import type { Result } from '../model.ts';

/**
 * What the model must return. Kept loose on purpose: the JSON schema sent to the server is generated
 * from it, and strict structured output rejects keywords such as minimum. Empty texts are skipped and
 * citation numbers outside the sources are left for the verifier to report.
 */
export const ModelPoints = z.object({
  points: z.array(z.object({ text: z.string(), citations: z.array(z.number()) })),
});
export type ModelPoints = z.infer<typeof ModelPoints>;

/** The JSON schema for `response_format: json_schema` (strict mode forbids `$schema` at the root). */
export function modelPointsJsonSchema(): Record<string, unknown> {
  const schema: Record<string, unknown> = { ...z.toJSONSchema(ModelPoints) };
  delete schema.$schema;
  return schema;
}

const FENCE = /```(?:json)?\s*([\s\S]*?)```/i;

/** The first balanced {…} or […] in the text, skipping braces inside strings. */
function firstJsonValue(text: string): string | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/**
 * Reads the model's points from its reply, tolerating what JSON mode and plain chat produce: a code
 * fence, prose before or after the JSON, or a bare array of points. The error says what was wrong,
 * for the repair request and the logs.
 */
export function parsePoints(reply: string | null | undefined): Result<ModelPoints, string> {
  if (!reply?.trim()) return { ok: false, error: 'the reply was empty' };
  const fenced = FENCE.exec(reply)?.[1];
  const candidate = firstJsonValue(fenced ?? reply);
  if (candidate === undefined) return { ok: false, error: 'the reply contained no complete JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (err) {
    return { ok: false, error: `the JSON did not parse (${(err as Error).message})` };
  }
  const result = ModelPoints.safeParse(Array.isArray(value) ? { points: value } : value);
  if (!result.success) return { ok: false, error: `the JSON did not match {"points": [{"text", "citations"}]}: ${z.prettifyError(result.error)}` };
  return { ok: true, value: { points: result.data.points.filter((point) => point.text.trim() !== '') } };
}
