import { DEMOS } from '../src/catalog';
import { COLUMNS } from '../src/render';
import { demoHelp, listText } from '../src/help';
import { flagOf, knobEntries, shown } from '../src/knobs';

/** Each knob as its first printed line starts: `  --flag default — `. */
const knobStarts = (demo: (typeof DEMOS)[number]) =>
  knobEntries(demo.knobs).map(([key, knob]) => `  ${flagOf(key)} ${shown(knob.default)} — `);

describe('the knobs, printed', () => {
  it('--list: each demo, then each of its knobs with its default and meaning, in 80 columns', () => {
    const lines = listText(DEMOS).split('\n');
    expect(lines.filter((l) => l.length > COLUMNS)).toEqual([]);
    const starts = lines.filter((l) => l.startsWith('  --'));
    expect(starts.map((l) => l.slice(0, l.indexOf(' — ') + 3))).toEqual(DEMOS.flatMap(knobStarts));
    // Under its own demo: the lines between a demo's name and the next one's are its knobs.
    const race = lines.findIndex((l) => l.startsWith('race '));
    expect(lines[race + 1]).toMatch(/^ {2}--loop-tasks 10 — /);
  });

  it('<name> --help: what it shows, how to run it, each knob with its default and bounds', () => {
    for (const demo of DEMOS) {
      const lines = demoHelp(demo).split('\n');
      expect([demo.name, lines.filter((l) => l.length > COLUMNS)]).toEqual([demo.name, []]);
      expect(lines).toContain(`usage: npm run demo -- ${demo.name} [--<knob> <value> …] [--json]`);
      for (const start of knobStarts(demo)) {
        expect(lines.some((l) => l.startsWith(start))).toBe(true);
      }
      const bounds = knobEntries(demo.knobs).map(([, knob]) => knob.expected);
      for (const expected of bounds) {
        expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(
          expected.charAt(0).toUpperCase() + expected.slice(1),
        );
      }
    }
  });
});
