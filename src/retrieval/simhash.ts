/**
 * 64-bit SimHash of a token list (as two 32-bit halves), over unigrams and bigrams. Wire copies of
 * one story differ by a few words, so their fingerprints differ in only a few bits.
 */
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function simhash(tokens: readonly string[]): [number, number] {
  const votes = new Int32Array(64);
  const add = (feature: string) => {
    const lo = fnv1a(feature, 0x811c9dc5);
    const hi = fnv1a(feature, 0x01000193);
    for (let bit = 0; bit < 32; bit++) {
      votes[bit]! += (lo >>> bit) & 1 ? 1 : -1;
      votes[bit + 32]! += (hi >>> bit) & 1 ? 1 : -1;
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i]!);
    if (i + 1 < tokens.length) add(`${tokens[i]} ${tokens[i + 1]}`);
  }
  let lo = 0;
  let hi = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (votes[bit]! > 0) lo |= 1 << bit;
    if (votes[bit + 32]! > 0) hi |= 1 << bit;
  }
  return [hi >>> 0, lo >>> 0];
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export const hammingDistance = (aHi: number, aLo: number, bHi: number, bLo: number): number =>
  popcount((aHi ^ bHi) >>> 0) + popcount((aLo ^ bLo) >>> 0);
