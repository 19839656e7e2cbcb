import { DEMOS } from '../src/catalog';
import { COLUMNS, renderHeader, renderResult, verdictLine } from '../src/render';

describe('the verdict line', () => {
  it('is exactly `<name>: lesson holds` or `<name>: lesson does not hold here: <why>`', () => {
    expect(verdictLine('race', { holds: true, why: 'anything' })).toBe('race: lesson holds');
    expect(verdictLine('gil', { holds: false, why: 'only 1 core' })).toBe(
      'gil: lesson does not hold here: only 1 core',
    );
  });

  it('ends the rendered output', () => {
    const [demo] = DEMOS;
    if (!demo) throw new Error('no demos');
    const text = renderResult(demo, {
      figures: {},
      table: { header: ['a'], rows: [['1']] },
      notes: ['a note'],
      verdict: { holds: true, why: 'it did' },
    });
    expect(text.split('\n').slice(-2)).toEqual([
      'The lesson holds because it did.', // a sentence, not a "Because …" fragment
      `${demo.name}: lesson holds`,
    ]);
  });
});

describe('every demo', () => {
  it('has a unique kebab-case name, a part of the guide, and 2–4 printed lines saying what it shows', () => {
    const names = DEMOS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const demo of DEMOS) {
      expect([demo.name, /^[a-z]+(-[a-z]+)*$/.test(demo.name)]).toEqual([demo.name, true]);
      expect([demo.name, demo.mirrors.length > 0]).toEqual([demo.name, true]);
      // As the header prints it: one paragraph, wrapped and indented under the title.
      const lines = renderHeader(demo)
        .split('\n')
        .filter((line) => line.startsWith('  ')).length;
      expect([demo.name, lines >= 2 && lines <= 4]).toEqual([demo.name, true]);
    }
  });

  it('introduces itself within 80 columns', () => {
    for (const demo of DEMOS) {
      const long = renderHeader(demo)
        .split('\n')
        .filter((line) => line.length > COLUMNS);
      expect([demo.name, long]).toEqual([demo.name, []]);
    }
  });
});
