import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { packContext, SOURCE_TEXT_TOKENS, stuffedTokenCount } from '../../src/compose/pack-context.ts';
import { allSources, cited, injected, kcnaDalian, reutersTrade, xinhuaVisit } from '../support/cited-fixtures.ts';

const stateMedia = (outlet: string) => ['Xinhua', 'KCNA'].includes(outlet);
const wireCopy = cited('cgtn-copy', 'CGTN', '2018-03-29', 'Kim visits China', `${xinhuaVisit.passage.text} CGTN contributed.`);

describe('context packing', () => {
  it('orders the blocks by date and keeps each source number', () => {
    const { text } = packContext([reutersTrade, xinhuaVisit, kcnaDalian], { budget: 6000, isStateMedia: stateMedia });
    expect(Array.from(text.matchAll(/<source n="(\d+)" outlet="([^"]+)" date="([^"]+)"/g), (m) => `${m[1]} ${m[2]} ${m[3]}`)).toEqual([
      '2 Xinhua 2018-03-28', '3 KCNA 2018-05-08', '1 Reuters 2019-01-14',
    ]);
  });

  it('flags state media, and only state media, in its block', () => {
    const { text } = packContext([xinhuaVisit, reutersTrade], { budget: 6000, isStateMedia: stateMedia });
    expect(text).toContain('outlet="Xinhua" date="2018-03-28" state_media="yes"');
    expect(text).toMatch(/outlet="Reuters" date="2019-01-14"(?! state_media)/);
    expect(text).not.toContain('state_media="no"');
  });

  it('merges a near-duplicate into the first copy and maps both numbers to the passage sent', () => {
    const { text, numbers, report } = packContext([xinhuaVisit, reutersTrade, wireCopy], { budget: 6000, isStateMedia: stateMedia });
    expect(text.match(/<source /g)).toHaveLength(2);
    expect(text).toContain('also_reported_as="[3] CGTN, 2018-03-29"');
    expect(numbers.get(3)).toBe(xinhuaVisit.passage.id);
    expect(numbers.get(1)).toBe(xinhuaVisit.passage.id);
    expect(report).toMatchObject({ sources: 2, merged: 1, dropped: 0 });
  });

  it('drops the lowest-priority sources to stay under the budget and reports the tokens used', () => {
    const one = packContext([xinhuaVisit], { budget: 6000, isStateMedia: stateMedia }).report.used;
    const { report, numbers } = packContext([xinhuaVisit, reutersTrade, kcnaDalian], { budget: one + 10, isStateMedia: stateMedia });
    expect(report).toEqual({ budget: one + 10, used: one, sources: 1, dropped: 2, merged: 0 });
    expect([...numbers.keys()]).toEqual([1]);
  });

  it('counts tokens with the real tokenizer', () => {
    const { text, report } = packContext(allSources, { budget: 6000, isStateMedia: stateMedia });
    expect(Math.abs(report.used - countTokens(text))).toBeLessThanOrEqual(allSources.length);
  });

  it('always sends the first source, even when it alone exceeds the budget', () => {
    const { report } = packContext([xinhuaVisit, reutersTrade], { budget: 10, isStateMedia: stateMedia });
    expect(report.sources).toBe(1);
    expect(report.used).toBeGreaterThan(10);
  });

  it('keeps a source from closing its own block', () => {
    const { text } = packContext([injected], { budget: 6000, isStateMedia: stateMedia });
    expect(text.match(/<\/source>/g)).toHaveLength(1);
    expect(text.trim().endsWith('</source>')).toBe(true);
  });

  it('needs fewer tokens than stuffing the same sources with their duplicates', () => {
    const sources = [xinhuaVisit, wireCopy, reutersTrade];
    expect(packContext(sources, { budget: 6000, isStateMedia: stateMedia }).report.used).toBeLessThan(stuffedTokenCount(sources, 3));
  });

  it('leaves out a wire dateline, since the outlet and date are attributes', () => {
    const { text } = packContext([xinhuaVisit], { budget: 6000, isStateMedia: stateMedia });
    expect(text).not.toContain('BEIJING, March 28 (Xinhua) --');
    expect(text).toContain('>\nKim Jong Un paid an unofficial visit to China');
  });

  it('leaves out a title that the passage already says, and keeps one that adds to it', () => {
    const restated = cited('restated', 'Paper', '2018-05-09', 'Kim holds talks with Xi in Dalian', kcnaDalian.passage.text);
    const adding = cited('adding', 'Paper', '2019-01-15', 'Sanctions bite as border trade halves', reutersTrade.passage.text);
    const { text } = packContext([restated, adding], { budget: 6000, isStateMedia: stateMedia });
    expect(text).not.toContain('title="Kim holds talks with Xi in Dalian"');
    expect(text).toContain('title="Sanctions bite as border trade halves"');
  });

  it('sends a long passage up to SOURCE_TEXT_TOKENS in whole sentences, and always its first sentence', () => {
    const sentence = 'Officials in Dandong said freight trains crossed the Yalu bridge again after a pause of several weeks. ';
    const long = cited('long', 'Paper', '2018-06-01', 'Rail freight resumes', sentence.repeat(20).trim());
    const { text } = packContext([long], { budget: 6000, isStateMedia: stateMedia });
    const body = text.split('\n')[1]!;
    expect(countTokens(body)).toBeLessThanOrEqual(SOURCE_TEXT_TOKENS);
    expect(body.endsWith('several weeks.')).toBe(true);
    const run = cited('run-on', 'Paper', '2018-06-01', 'Rail freight resumes', sentence.trim().replace('.', ',').repeat(20));
    expect(packContext([run], { budget: 6000, isStateMedia: stateMedia }).text).toContain(run.passage.text);
  });
});
