import { describe, expect, it } from '@jest/globals';
import { DRILL_NAMES } from '../src/drill';
import { drillsHelp, HELP_COLUMNS } from '../src/drill-help';
import { DRILLS } from '../src/drills/index';

describe('drillsHelp', () => {
  const help = drillsHelp(Object.values(DRILLS));
  const lines = help.split('\n');
  const squash = (text: string) => text.replace(/\s+/g, ' ');

  it('names every drill, in the order they run, each with its summary', () => {
    const named = lines.map((l) => /^ {2}(\S+) /.exec(l)?.[1]).filter(Boolean);
    expect(named).toEqual([...DRILL_NAMES]);
    for (const drill of Object.values(DRILLS)) expect(squash(help)).toContain(drill.summary);
  });

  it('says what the recovery column measures for the drills that have that figure, and only those', () => {
    for (const drill of Object.values(DRILLS)) {
      const says = squash(help).includes(`recovery column: ${drill.recovery}`);
      expect([drill.name, says]).toEqual([drill.name, drill.recovery !== '—']);
    }
  });

  it(`fits in ${HELP_COLUMNS} columns, the summaries aligned with the options' descriptions`, () => {
    expect(lines.filter((l) => l.length > HELP_COLUMNS)).toEqual([]);
    // Every line after the heading has its text from column 20, as `--help`'s options do: a
    // drill's name in the margin, or nothing.
    for (const line of lines.slice(1)) {
      expect([
        line,
        line.slice(0, 19).trim() === '' || /^ {2}\S+ +$/.test(line.slice(0, 20)),
      ]).toEqual([line, true]);
      expect([line, line[19], line[20]]).toEqual([line, ' ', expect.stringMatching(/\S/)]);
    }
  });
});
