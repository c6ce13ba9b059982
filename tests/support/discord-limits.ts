// Discord's limits on what a bot sends, as lists of problems (empty when the payload is fine). Counted in UTF-16
// code units, like discord.js builders. Pure: the routes decide whether a problem is recorded or rejected.
import { isJson } from './discord-types.ts';
import type { Json } from './discord-types.ts';

export function over(what: string, value: unknown, max: number): string[] {
  return typeof value === 'string' && value.length > max ? [`${what} is ${value.length} characters (max ${max})`] : [];
}

const hasItems = (value: unknown) => Array.isArray(value) && value.length > 0;

/** Project rule, not a Discord limit: bot output must never ping. */
export function mentionProblems(payload: Json): string[] {
  const mentions = payload.allowed_mentions;
  if (isJson(mentions) && Array.isArray(mentions.parse) && mentions.parse.length === 0) return [];
  return [`allowed_mentions.parse must be [] (got ${JSON.stringify(mentions)})`];
}

/** A message create (`create`) or edit: content, embeds and components. */
export function messageProblems(payload: Json, { create }: { create: boolean }): string[] {
  const empty = !payload.content && !payload.poll &&
    [payload.embeds, payload.components, payload.attachments, payload.sticker_ids].every((list) => !hasItems(list));
  return [
    ...(create && empty ? ['cannot send an empty message (no content, embeds, components or files)'] : []),
    ...over('content', payload.content, 2000),
    ...embedProblems(payload.embeds),
    ...componentProblems(payload.components),
  ];
}

function embedProblems(embeds: unknown): string[] {
  if (!Array.isArray(embeds)) return [];
  const problems = embeds.length > 10 ? [`${embeds.length} embeds (max 10)`] : [];
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isJson(embed)) return;
    const at = `embeds[${i}]`;
    const fields = Array.isArray(embed.fields) ? embed.fields.filter(isJson) : [];
    const footer = isJson(embed.footer) ? embed.footer.text : undefined;
    const author = isJson(embed.author) ? embed.author.name : undefined;
    problems.push(
      ...over(`${at}.title`, embed.title, 256), ...over(`${at}.description`, embed.description, 4096),
      ...over(`${at}.footer.text`, footer, 2048), ...over(`${at}.author.name`, author, 256),
      ...(fields.length > 25 ? [`${at} has ${fields.length} fields (max 25)`] : []),
      ...fields.flatMap((field, j) => [...over(`${at}.fields[${j}].name`, field.name, 256), ...over(`${at}.fields[${j}].value`, field.value, 1024)]),
    );
    const texts = [embed.title, embed.description, footer, author, ...fields.flatMap((field) => [field.name, field.value])];
    total += texts.reduce((sum: number, text) => sum + (typeof text === 'string' ? text.length : 0), 0);
  });
  if (total > 6000) problems.push(`embeds total ${total} characters across the message (max 6000)`);
  return problems;
}

export function componentProblems(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  const rows = components.filter(isJson).filter((component) => component.type === 1);
  const problems = rows.length > 5 ? [`${rows.length} action rows (max 5)`] : [];
  rows.forEach((row, i) => {
    const buttons = (Array.isArray(row.components) ? row.components.filter(isJson) : []).filter((c) => c.type === 2);
    if (buttons.length > 5) problems.push(`components[${i}] has ${buttons.length} buttons (max 5)`);
    buttons.forEach((button, j) => problems.push(...over(`components[${i}].components[${j}].label`, button.label, 80)));
  });
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item: unknown, i) => walk(item, `${path}[${i}]`));
    if (!isJson(value)) return;
    problems.push(...over(`${path}.custom_id`, value.custom_id, 100));
    walk(value.components, `${path}.components`);
  };
  walk(components, 'components');
  return problems;
}

export function choiceProblems(choices: unknown): string[] {
  if (!Array.isArray(choices)) return ['autocomplete response has no choices array'];
  const list = choices.filter(isJson);
  return [
    ...(list.length > 25 ? [`${list.length} autocomplete choices (max 25)`] : []),
    ...list.flatMap((choice, i) => [...over(`choices[${i}].name`, choice.name, 100), ...over(`choices[${i}].value`, choice.value, 100)]),
  ];
}

/** Discord: "integer or string, max 25 characters". */
export function nonceProblems(nonce: unknown): string[] {
  if (nonce === undefined || Number.isSafeInteger(nonce) || (typeof nonce === 'string' && nonce.length <= 25)) return [];
  return [`nonce must be an integer or a string of at most 25 characters (got ${JSON.stringify(nonce)})`];
}
