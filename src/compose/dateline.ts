/**
 * Wire datelines that open a lead sentence: "BEIJING (AP) — ", "BEIJING, Feb 18 (Reuters) - ",
 * "SEOUL, May 4 Kyodo - ". A point quotes the sentence after them: still verbatim, minus the label.
 */
const DATELINE = /^[A-Z][A-Z .'-]{1,30}(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*(?:\([^)]{1,30}\)|[A-Z][a-z]+)?\s*[—–-]{1,2}\s+/u;

/** How many characters of the sentence the dateline takes (0 when there is none). */
export function datelineLength(sentence: string): number {
  return DATELINE.exec(sentence)?.[0].length ?? 0;
}

/** The text after its dateline: what a point quotes, still verbatim, minus the label. */
export const withoutDateline = (text: string): string => text.slice(datelineLength(text));
