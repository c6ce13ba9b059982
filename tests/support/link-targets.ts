/** Targets of masked links `[text](target)` as Discord would parse them: escaped brackets do not count. */
export function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === ']' && text[i + 1] === '(') {
      const end = text.indexOf(')', i + 2);
      targets.push(text.slice(i + 2, end === -1 ? undefined : end));
    }
  }
  return targets;
}
