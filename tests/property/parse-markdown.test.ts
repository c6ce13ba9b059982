import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArticleInput } from '../../src/ingest/normalize.ts';
import { parseMarkdown } from '../../src/ingest/parse-markdown.ts';
import type { ParseResult } from '../../src/ingest/parse-result.ts';
import { hostileText } from './arbitraries.ts';

const KEYS = ['title', 'outlet', 'publishedAt', 'url', 'language', 'partial', 'sample', 'basedOn', '__proto__', 'constructor', '<<', '? ', '', 'Title'];
const YAML_VALUES = [
  'China and the DPRK', '"quoted: value"', "'single'", '2024-05-01', '2024-13-45', '0', '-1', '1e400', '.nan', 'true', 'no', '~', 'null', '[]', '{}',
  '[a, b]', '{a: 1}', '&anchor x', '*anchor', '*missing', '!!binary aGVsbG8=', '!!js/function "function(){}"', '!!js/regexp /x/', '!!timestamp 2024-01-01',
  '!!str', '!!int x', '|', '>-', '- item', '"unterminated', '[unclosed', '{unclosed', '\t', '%YAML 1.2', '---', '...', '@everyone', '`tick`',
  '{toString: 1, valueOf: 1}', '2001-01-01T00:00:00+99:00',
];
const header = fc
  .array(fc.oneof(
    fc.tuple(fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom(...YAML_VALUES), hostileText(3))).map(([key, value]) => `${key}: ${value}`),
    fc.constantFrom('  nested: 1', '- list', '# comment', '', ':', '::', '\ufeff'),
    hostileText(3),
  ), { maxLength: 10 })
  .map((lines) => lines.join('\n'));
/** What follows the opening `---`: gray-matter reads it as the front matter's language. */
const fence = fc.constantFrom('---', '---yaml', '---json', '---js', '---javascript', '---coffee', '--- ', '----', '---__proto__', '---constructor', '---valueOf', '---toString', '---hasOwnProperty', '~~~', '');
const closing = fc.constantFrom('\n---\n', '\n---', '\n--- \n', '\n----\n', '\n...\n', '\r\n---\r\n', '', '\n');
const body = fc.oneof(hostileText(20), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('', '   \n', '# Heading only', '## A\n\nBody text.'));

const markdown = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('', '\ufeff', '\n'), fence, header, closing, body).map(([bom, open, head, close, rest]) => `${bom}${open}\n${head}${close}${rest}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder('utf-8').decode(bytes)) },
);

/** Either exactly one article that the pipeline's own schema accepts, or one skip with a reason. */
function expectArticleOrSkip(result: ParseResult) {
  expect(result.articles.length + result.skipped.length).toBe(1);
  for (const skip of result.skipped) {
    expect(typeof skip.reason).toBe('string');
    expect(skip.reason.length).toBeGreaterThan(0);
  }
  for (const article of result.articles) {
    expect(ArticleInput.safeParse(article).success).toBe(true);
    expect(article.text.trim()).toBe(article.text);
    expect(article.text.length).toBeGreaterThan(0);
  }
}

const ran = () => (globalThis as { __frontMatterRan?: unknown }).__frontMatterRan;

describe('Markdown front matter on hostile files', () => {
  it('returns one article or one skip with a reason, and never throws', () => {
    fc.assert(
      fc.property(markdown, (source) => {
        expectArticleOrSkip(parseMarkdown(source));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a well-formed header whatever the body, keeping the body as the text', () => {
    const good = (title: string, outlet: string) => `---\ntitle: ${JSON.stringify(title)}\noutlet: ${JSON.stringify(outlet)}\npublishedAt: 2024-05-01\n---\n`;
    fc.assert(
      fc.property(hostileText(4).filter((t) => t.trim().length > 0), hostileText(2).filter((o) => o.length > 0), body, (title, outlet, rest) => {
        const result = parseMarkdown(good(title, outlet) + rest);
        expectArticleOrSkip(result);
        const [article] = result.articles;
        if (article) expect(article).toMatchObject({ title, outlet, publishedAt: new Date('2024-05-01') });
      }),
      { numRuns: 200 },
    );
  });

  it('never runs JavaScript front matter, whatever the language tag says', () => {
    const payload = "{ title: (globalThis.__frontMatterRan = true, 'T'), outlet: 'O', publishedAt: '2024-05-01' }";
    fc.assert(
      fc.property(fc.constantFrom('js', 'javascript', 'JS', 'JavaScript', ' js ', 'Js'), body, (language, rest) => {
        const result = parseMarkdown(`---${language}\n${payload}\n---\n${rest}x`);
        expect(ran()).toBeUndefined();
        expect(result.articles).toEqual([]);
        expect(result.skipped[0]?.reason).toMatch(/front matter/);
      }),
      { numRuns: 50 },
    );
  });
});
