import type { Demo } from './demo';
import { wrap } from '@concurrency-lab/report-kit';
import { flagOf, knobEntries, shown, type Knob } from './knobs';
import { COLUMNS, renderHeader } from './render';

/** Where a knob's wrapped lines continue: under its meaning, clear of the flag. */
const HANGING = '      ';

/** `  --workers 2 — Cluster workers sharing the counter.`, wrapped with a hanging indent. */
function knobLines(key: string, knob: Knob<unknown>): string[] {
  const [first = '', ...rest] = wrap(
    `${flagOf(key)} ${shown(knob.default)} — ${knob.doc}`,
    COLUMNS,
    HANGING,
  );
  return [`  ${first.trimStart()}`, ...rest];
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/**
 * `--list`: one line per demo (more if its title must wrap), its name, then the part of the
 * guide; under it, each knob with its default and meaning.
 */
export function listText(demos: readonly Demo[]): string {
  const width = Math.max(...demos.map((d) => d.name.length)) + 2;
  return demos
    .flatMap((d) => [
      ...wrap(d.mirrors, COLUMNS - width).map(
        (line, i) => `${i === 0 ? d.name.padEnd(width) : ' '.repeat(width)}${line}`,
      ),
      ...knobEntries(d.knobs).flatMap(([key, knob]) => knobLines(key, knob)),
    ])
    .join('\n');
}

/** `--list --json`: each demo's name, part of the guide and knobs, for a program to read. */
export function listJson(demos: readonly Demo[]) {
  return demos.map((d) => ({
    name: d.name,
    mirrors: d.mirrors,
    describe: d.describe,
    knobs: knobEntries(d.knobs).map(([key, knob]) => ({
      flag: flagOf(key),
      default: knob.default,
      doc: knob.doc,
      expected: knob.expected,
    })),
    rules: d.rules,
  }));
}

/**
 * `<name> --help`: what the demo shows, how to run it, and each knob's default, meaning, bounds.
 */
export function demoHelp(demo: Demo): string {
  const knobs = knobEntries(demo.knobs);
  return [
    renderHeader(demo),
    '',
    `usage: npm run demo -- ${demo.name}${knobs.length > 0 ? ' [--<knob> <value> …]' : ''} [--json]`,
    '',
    ...knobs.flatMap(([key, knob]) => [
      ...knobLines(key, knob),
      ...wrap(sentence(knob.expected), COLUMNS, HANGING),
    ]),
    ...demo.rules.flatMap((rule) => ['', ...wrap(`Together: ${rule}.`, COLUMNS)]),
  ].join('\n');
}
