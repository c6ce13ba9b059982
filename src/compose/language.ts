const names = new Intl.DisplayNames(['en'], { type: 'language' });

/**
 * The prompts' {{language}} rule: write in the language a caller asked for (a BCP 47 tag such as 'ko' or
 * 'zh-Hant'), English when none was. Throws a RangeError for a tag that is not BCP 47: that is a bug in the
 * caller, and withFallback turns it into the extractive text with a notice.
 */
export function languageRule(tag: string | undefined): string {
  if (tag === undefined) return 'Write the points in English.';
  const [canonical] = Intl.getCanonicalLocales(tag);
  if (!canonical) throw new RangeError(`Not a BCP 47 language tag: "${tag}"`);
  const name = names.of(canonical) ?? canonical;
  return `Write the points in ${name} (${canonical}), whatever language the sources are in.`;
}
