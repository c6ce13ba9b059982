import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/retrieval/tokenize.ts';

describe('tokenize', () => {
  it('stems English words so visits, visited and visit index alike', () => {
    expect(new Set([...tokenize('visits'), ...tokenize('visited'), ...tokenize('visit')]).size).toBe(1);
  });

  it('drops stopwords and possessives but keeps numbers and years', () => {
    expect(tokenize("What did China's customs say about 2024 and the 5% drop?")).toEqual(['china', 'custom', '2024', '5', 'drop']);
  });

  it('strips Korean particles so 평양을 and 평양에서 meet 평양', () => {
    expect(tokenize('평양을 평양에서 평양')).toEqual(['평양', '평양', '평양']);
  });

  it('splits Chinese text into words with Intl.Segmenter', () => {
    const tokens = tokenize('习近平访问平壤');
    expect(tokens.join('')).toBe('习近平访问平壤');
    expect(tokens.length).toBeGreaterThan(1);
  });

  it('never throws and never returns empty tokens on arbitrary input', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = Array.from({ length: seed % 40 }, (_, i) => String.fromCodePoint(((seed * 7919 + i * 104729) % 0x2ffff) + 1)).join('');
      expect(tokenize(text).every((token) => token.length > 0)).toBe(true);
    }
  });
});
