import fc from 'fast-check';
import type { Brief, Point, Source } from '../../src/model.ts';

/**
 * Generators shared by the property tests. Every text generator mixes hand-picked hostile pieces
 * (mentions, masked links, markdown, scripts the tokenizer and segmenter treat specially) with
 * fast-check's arbitrary unicode, so a shrunk counterexample is usually a few readable pieces.
 */

/** Pieces that have broken, or could break, a tokenizer, a sentence splitter or a Discord renderer. */
export const HOSTILE_PIECES = [
  '@everyone', '@here', '<@123456789012345678>', '<@!42>', '<@&456>', '<#123>', '<t:0:f>', '**', '__', '~~', '`', '```', '||',
  '[masked](https://evil.example)', '[[1]](javascript:alert(1))', '](', '[', ']', '(', ')', '\\', '\\]', 'https://evil.example/x', 'www.evil.example',
  '> ', '# ', '- ', '1. ', '\n', '\n\n', '\r\n', '\t', '\u200b', '\u2028', '\u0085', '\u00a0', '\ufeff', '\u0000', '\u001b[31m',
  '朝鲜', '习近平访问平壤。', '북한이', '평양에서 ', '김정은은', 'カタカナ', 'ひらがな', '🦆', '👨‍👩‍👧', '🇰🇵', 'é', 'é', 'İ', 'ß', 'Σ',
  'U.S. ', 'Mr. ', 'Gen. ', 'No. ', '. ', '! ', '? ', '… ', '。', "China's ", "’s ", 'word', 'the ', '2024 ', ' ',
] as const;

/** A single UTF-16 code unit: lone surrogates, controls and everything else. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const wellFormedPiece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
const anyPiece = fc.oneof({ weight: 9, arbitrary: wellFormedPiece }, { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 4 }) });

/** Up to `maxPieces` pieces; may be empty, may hold lone surrogates. */
export const hostileText = (maxPieces = 12) => fc.array(anyPiece, { maxLength: maxPieces, size: 'max' }).map((parts) => parts.join(''));

/** Like hostileText, but valid UTF-16 (no lone surrogates), as every real feed or model output is. */
export const wellFormedText = (maxPieces = 12) => fc.array(wellFormedPiece, { maxLength: maxPieces, size: 'max' }).map((parts) => parts.join(''));

/** One piece repeated into 300–6000 characters, with emoji so a cut can land inside a surrogate pair. */
export const longText = fc
  .tuple(fc.constantFrom('x', 'word ', '🦆', 'a🦆', '@everyone ', '[a](https://e.example) ', '**b** ', 'é '), fc.integer({ min: 300, max: 6000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)));

/** Usually short, sometimes very long. */
export const text = (maxPieces = 12, wellFormed = false) =>
  fc.oneof({ weight: 9, arbitrary: wellFormed ? wellFormedText(maxPieces) : hostileText(maxPieces) }, { weight: 1, arbitrary: longText });

export const isoDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

/** Source URLs as feeds deliver them: mostly web addresses, some hostile, some too long to link. */
export const sourceUrl = (wellFormed: boolean) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
    { weight: 1, arbitrary: fc.constantFrom('javascript:alert(1)', 'ftp://example.com/x', 'not a url', 'https://example.com/a_(b)?q=[x]', 'https://e.example/@everyone/<@1>') },
    { weight: 1, arbitrary: text(4, wellFormed).map((tail) => `https://example.com/${tail}`) },
    { weight: 1, arbitrary: fc.integer({ min: 400, max: 800 }).map((n) => `https://example.com/${'p'.repeat(n)}`) },
  );

const point = (sourceCount: number, wellFormed: boolean): fc.Arbitrary<Point> =>
  fc.record(
    {
      text: text(12, wellFormed).map((value) => value || 'x'),
      citations: fc.array(fc.integer({ min: 1, max: Math.max(1, sourceCount + 3) }), { minLength: 1, maxLength: 6 }),
      date: fc.oneof(isoDate, text(3, wellFormed)),
    },
    { requiredKeys: ['text', 'citations'] },
  );

const source = (n: number, wellFormed: boolean): fc.Arbitrary<Source> =>
  fc.record(
    {
      n: fc.oneof({ weight: 9, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }) }),
      articleId: fc.string({ maxLength: 10 }),
      title: text(16, wellFormed),
      outlet: text(4, wellFormed),
      url: sourceUrl(wellFormed),
      publishedAt: fc.oneof({ weight: 4, arbitrary: isoDate }, { weight: 1, arbitrary: text(4, wellFormed) }),
      passage: text(20, wellFormed),
      passageId: fc.string({ maxLength: 10 }),
      basedOn: fc.array(fc.webUrl(), { maxLength: 2 }),
    },
    { requiredKeys: ['n', 'articleId', 'title', 'outlet', 'url', 'publishedAt', 'passage', 'passageId'] },
  );

/** Any value the Brief schema accepts, with hostile text wherever the schema allows a string. */
export const brief = (wellFormed = false): fc.Arbitrary<Brief> =>
  fc.integer({ min: 0, max: 60 }).chain((sourceCount) =>
    fc.record(
      {
        topic: fc.option(text(4, wellFormed), { nil: null }),
        mode: fc.constantFrom('extractive' as const, 'llm' as const),
        model: text(3, wellFormed),
        asOf: fc.option(fc.oneof(isoDate, text(3, wellFormed)), { nil: null }),
        period: fc.record({ since: fc.option(fc.oneof(isoDate, text(3, wellFormed)), { nil: null }), until: fc.oneof(isoDate, text(3, wellFormed)) }),
        points: fc.array(point(sourceCount, wellFormed), { maxLength: 50, size: 'max' }),
        sources: fc.tuple(...Array.from({ length: sourceCount }, (_, i) => source(i + 1, wellFormed))),
        notices: fc.array(text(6, wellFormed), { maxLength: 4 }),
        question: text(10, wellFormed),
      },
      { requiredKeys: ['topic', 'mode', 'asOf', 'period', 'points', 'sources', 'notices'] },
    ),
  );

/** A lone surrogate, which Discord rejects (UTF-8 cannot carry it) and JSON.stringify escapes. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
