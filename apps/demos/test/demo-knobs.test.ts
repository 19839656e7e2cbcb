import { DEMOS } from '../src/catalog';
import { starvation } from '../src/demos/starvation';
import { flagOf, knobEntries } from '../src/knobs';

describe("every demo's knobs", () => {
  it('have defaults within their own bounds: each demo runs as declared', () => {
    for (const demo of DEMOS) {
      const defaults = Object.fromEntries(knobEntries(demo.knobs).map(([k, v]) => [k, v.default]));
      expect([demo.name, demo.options()]).toEqual([demo.name, defaults]);
    }
  });

  it("have a one-line meaning and flags the command's own switches do not take", () => {
    for (const demo of DEMOS) {
      for (const [key, knob] of knobEntries(demo.knobs)) {
        expect([demo.name, key, /^\S.*\.$/.test(knob.doc), knob.doc.length <= 70]).toEqual([
          demo.name,
          key,
          true,
          true,
        ]);
        expect(['--json', '--all', '--list', '--help', '--out']).not.toContain(flagOf(key));
      }
    }
  });

  it('type `run` from their declaration: a misspelt knob or figure does not compile', () => {
    // Never called: `nx typecheck demos` is the test (each line fails it without its directive).
    const typed = async () => {
      // @ts-expect-error a misspelt knob
      await starvation.run({ greedyRound: 3 });
      // @ts-expect-error a knob of the wrong type
      await starvation.run({ greedyRounds: '3' });
      const { figures } = await starvation.run({ greedyRounds: 3 });
      // @ts-expect-error a misspelt figure
      return typeof figures.barging.acquisitionsBeforePolit;
    };
    expect(typed).toBeInstanceOf(Function);
  });
});
