import { z } from 'zod';
import { KnobError } from './errors';

/**
 * One knob of a demo (a size, a count, a duration): declared once, with its default, what it
 * means and the values it takes. The demo's `run` gets its value; the command line sets it as
 * `--<kebab-name> <value>`; `--list` and `<name> --help` print it.
 */
export interface Knob<T> {
  readonly default: T;
  /** What it means, one line: `--list` and `--help` print it beside the flag. */
  readonly doc: string;
  /** The values it takes, as the error says it: "an integer from 1 to 16". */
  readonly expected: string;
  /** Checks a value given to `run` (a test's, or the command line's once read). */
  readonly schema: z.ZodType<T>;
  /** Reads the command line's text into a value: `schema` within, so the text is checked too. */
  readonly text: z.ZodType<T, string>;
}

/** A demo's knobs, by the name `run` reads them with: `P` is the options type they make. */
export type Knobs<P> = { readonly [K in keyof P]: Knob<P[K]> };

/** An integer from `min` to `max`, inclusive (both part of the declaration: say why). */
export interface IntegerRange {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** A decimal integer as typed: `1e3`, `0x10`, `1.5`, `' 1'` and `''` are refused. */
const DECIMAL = /^-?[0-9]+$/;
const decimal = z.string().regex(DECIMAL).transform(Number);

const range = ({ min, max }: Pick<IntegerRange, 'min' | 'max'>) => z.int().min(min).max(max);

export function integer(doc: string, bounds: IntegerRange): Knob<number> {
  const schema = range(bounds);
  return {
    default: bounds.default,
    doc,
    expected: `an integer from ${bounds.min} to ${bounds.max}`,
    schema,
    text: decimal.pipe(schema),
  };
}

/** A list of integers, each from `min` to `max`, of `length[0]` to `length[1]` of them. */
export interface IntegerListRange extends Omit<IntegerRange, 'default'> {
  readonly default: readonly number[];
  readonly length: readonly [number, number];
  /** No value twice: a lesson that orders by the values needs them apart. @default false */
  readonly distinct?: boolean;
}

/** On the command line a comma list, without spaces: `--pool-sizes 2,4,8`. */
export function integers(doc: string, bounds: IntegerListRange): Knob<readonly number[]> {
  const [fewest, most] = bounds.length;
  const list = z.array(range(bounds)).min(fewest).max(most);
  const schema =
    bounds.distinct === true ? list.refine((xs) => new Set(xs).size === xs.length) : list;
  const count = fewest === most ? `${fewest}` : `${fewest} to ${most}`;
  const kind = bounds.distinct === true ? 'distinct integers' : 'integers';
  return {
    default: bounds.default,
    doc,
    expected: `a comma list of ${count} ${kind}, each from ${bounds.min} to ${bounds.max}`,
    schema,
    text: z
      .string()
      .transform((text) => text.split(','))
      .pipe(z.array(decimal))
      .pipe(schema),
  };
}

/** `threadIncrements` → `--thread-increments`: how the command line and every error name a knob. */
export const flagOf = (key: string): string =>
  `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A demo's knobs as `[name, knob]` pairs, in the order it declares them. */
export const knobEntries = (knobs: object): [string, Knob<unknown>][] =>
  Object.entries(knobs as Record<string, Knob<unknown>>);

/** A knob's value as the command line writes it: `2000`, `4,8`. */
export const shown = (value: unknown): string =>
  Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : String(value);

/**
 * The command that runs `demo` with these knobs' values: the lessons report gives it beside the
 * figures they produced, so a reader can rerun exactly that.
 */
export const commandFor = (demo: string, options: object): string =>
  [
    'npm run demo --',
    demo,
    ...Object.entries(options).map(([k, v]) => `${flagOf(k)} ${shown(v)}`),
  ].join(' ');

/** A `KnobError` about `flag`, carrying the demo's flags; an unknown flag's message lists them. */
function refused(demo: string, knobs: object, flag: string, message: string): KnobError {
  const flags = knobEntries(knobs).map(([key]) => flagOf(key));
  const known = flags.length > 0 ? flags.map((f) => `\`${f}\``).join(', ') : 'none';
  const full = flags.includes(flag) ? message : `${message} (${demo}'s knobs: ${known})`;
  return new KnobError(full, flag, flags);
}

/**
 * Every knob's value: `given`'s where set, the default elsewhere, each checked against its
 * knob — whoever gives it (a test, the command line), it gets the same error.
 * @throws KnobError (`ERR_DEMO_INVALID_KNOB`) for a name the demo has no knob for, or a value
 *   out of its knob's bounds, naming the flag, what it takes and what it got
 */
export function knobValues<P>(demo: string, knobs: Knobs<P>, given: Partial<P> = {}): P {
  const unknown = Object.keys(given).find((key) => !Object.hasOwn(knobs, key));
  if (unknown !== undefined) {
    throw refused(demo, knobs, flagOf(unknown), `Unknown knob \`${flagOf(unknown)}\``);
  }
  const values: Record<string, unknown> = {};
  for (const [key, knob] of knobEntries(knobs)) {
    // Only undefined is "not given": null is a value, refused as `"3"` is, not the default.
    const set = (given as Record<string, unknown>)[key];
    const value = set === undefined ? knob.default : set;
    const parsed = knob.schema.safeParse(value);
    if (!parsed.success) throw outOfBounds(demo, knobs, key, asGiven(value));
    values[key] = parsed.data;
  }
  return values as P;
}

/**
 * A condition on knobs together, beyond each one's bounds: a combination with which the lesson
 * cannot show (`recycle` with no fewer tasks per child than tasks retires no child) is refused
 * as a bad knob is, before anything starts.
 */
export interface KnobRule<P> {
  /** The knobs it is about; the first is the one the error names (the one to turn). */
  readonly knobs: readonly [keyof P & string, ...(keyof P & string)[]];
  /** The condition and why, as `<name> --help` and the error say it. */
  readonly doc: string;
  holds(options: Readonly<P>): boolean;
}

/**
 * Checks `values` (every knob's, checked one by one) against `rules`.
 * @throws KnobError (`ERR_DEMO_INVALID_KNOB`) naming the first knob of the first rule broken:
 *   "Expected `--reads` above the smallest of `--pool-sizes` …,
 *   got `--reads 4`, `--pool-sizes 4,8`"
 */
export function checkRules<P>(
  demo: string,
  knobs: Knobs<P>,
  rules: readonly KnobRule<P>[],
  values: P,
): void {
  const broken = rules.find((rule) => !rule.holds(values));
  if (broken === undefined) return;
  const got = broken.knobs.map((key) => `\`${flagOf(key)} ${shown(values[key])}\``).join(', ');
  throw refused(demo, knobs, flagOf(broken.knobs[0]), `Expected ${broken.doc}, got ${got}`);
}

/**
 * The knobs the command line sets, from `--flag value` pairs (kebab-case flags, comma lists),
 * each read and checked; `knobValues` then adds the defaults.
 * @throws KnobError for a flag the demo has no knob for, one without a value or set twice, or a
 *   value it does not take
 */
export function knobsFromText(
  demo: string,
  knobs: object,
  pairs: readonly (readonly [flag: string, text: string | undefined])[],
): Record<string, unknown> {
  const byFlag = new Map(knobEntries(knobs).map(([key, knob]) => [flagOf(key), { key, knob }]));
  const given: Record<string, unknown> = {};
  for (const [flag, text] of pairs) {
    const found = byFlag.get(flag);
    if (found === undefined) throw refused(demo, knobs, flag, `Unknown option \`${flag}\``);
    if (Object.hasOwn(given, found.key)) {
      throw refused(demo, knobs, flag, `Expected \`${flag}\` once, got it twice`);
    }
    const parsed = found.knob.text.safeParse(text);
    if (!parsed.success) throw outOfBounds(demo, knobs, found.key, text);
    given[found.key] = parsed.data;
  }
  return given;
}

/** "Expected `--workers` to be an integer from 1 to 8, got `0`" (or got nothing). */
function outOfBounds(demo: string, knobs: object, key: string, got?: string): KnobError {
  const { expected } = (knobs as Record<string, Knob<unknown>>)[key] as Knob<unknown>;
  const flag = flagOf(key);
  return refused(
    demo,
    knobs,
    flag,
    `Expected \`${flag}\` to be ${expected}, got ${got === undefined ? 'nothing' : `\`${got}\``}`,
  );
}

/** A value given to `run` as an error shows it: numbers as typed, anything else as JSON (`"3"`). */
const asGiven = (value: unknown): string =>
  Array.isArray(value)
    ? value.map(asGiven).join(',')
    : typeof value === 'number'
      ? String(value)
      : (JSON.stringify(value) ?? String(value));
