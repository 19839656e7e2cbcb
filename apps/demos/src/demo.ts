import { checkRules, knobValues, type KnobRule, type Knobs } from './knobs';

/** A figure a demo measured: JSON, so `--json` and the lessons report carry it as is. */
export type FigureValue =
  | number
  | string
  | boolean
  | null
  | readonly FigureValue[]
  | { readonly [key: string]: FigureValue };

/** What a demo measured, by name (`lostUpdates`, `speedup`, …). */
export type Figures = Readonly<Record<string, FigureValue>>;

/** The small table a demo prints: at most 80 columns once laid out. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per column; figures right-aligned. @default 'left' for every column */
  readonly align?: readonly ('left' | 'right')[];
}

/** The lesson checked against the figures. */
export interface Verdict {
  readonly holds: boolean;
  /** One short clause: why it holds, or why it does not hold here. */
  readonly why: string;
}

/** What a demo's run gives. `F` is the demo's own figures, as its `run` computes them. */
export interface DemoResult<F extends Figures = Figures> {
  readonly figures: F;
  readonly table: Table;
  /** A few lines printed under the table: what the figures mean, what to use instead. */
  readonly notes?: readonly string[];
  readonly verdict: Verdict;
}

/**
 * One lesson of the guide. `run` starts real threads, processes and sockets as the lesson
 * needs, stops every one of them before it resolves, and checks the lesson against what it
 * measured. `P` are its knobs' values (sizes, repeat counts): the defaults make a few seconds on
 * two cores; tests and the command line turn them. `F` are its figures: a test reads them with
 * the types the demo computed them with, never a copy of its own.
 */
export interface Demo<P extends object = object, F extends Figures = Figures> {
  /** The command-line name: `npm run demo -- <name>`. */
  readonly name: string;
  /** The part of the guide it mirrors. */
  readonly mirrors: string;
  /**
   * What it shows, as one paragraph: where it is printed it is wrapped to fit (the terminal's
   * 80 columns, under the title), as `notes` are.
   */
  readonly describe: string;
  /** Its knobs, each with its default, meaning and bounds (`src/knobs.ts`). */
  readonly knobs: Knobs<P>;
  /** What its knobs must meet together (`KnobRule`), as `<name> --help` prints it. */
  readonly rules: readonly string[];
  /**
   * The values it runs with: the defaults, overridden by `given`, each checked, then checked
   * together against its rules.
   * @throws KnobError (`ERR_DEMO_INVALID_KNOB`) for an unknown knob, a value out of bounds, or
   *   values that break a rule
   */
  options(given?: Partial<P>): P;
  /** Runs it with `options(given)`: a bad knob rejects (`KnobError`) before anything starts. */
  run(given?: Partial<P>): Promise<DemoResult<F>>;
}

/**
 * What a demo declares: its knobs, from which `P` is inferred (`run` reads `{ workers }` typed
 * as the knob declares it), and a `run` that gets every value, checked; `F` comes from the
 * figures `run` returns.
 */
export interface DemoSpec<P extends object, F extends Figures> extends Omit<
  Demo<P, F>,
  'run' | 'options' | 'rules'
> {
  /** Conditions on several knobs at once, where each alone is within its bounds. */
  readonly rules?: readonly KnobRule<P>[];
  run(options: Readonly<P>): Promise<DemoResult<F>>;
}

/**
 * A demo from what it declares. Every demo runs with its defaults, overridden and checked by
 * the options given (a test's smaller sizes, the command line's): here, once, not at the top of
 * each `run`.
 */
export function defineDemo<P extends object, F extends Figures>(spec: DemoSpec<P, F>): Demo<P, F> {
  const { rules = [], ...rest } = spec;
  const options = (given?: Partial<P>) => {
    const values = knobValues(spec.name, spec.knobs, given);
    checkRules(spec.name, spec.knobs, rules, values);
    return values;
  };
  return {
    ...rest,
    rules: rules.map((rule) => rule.doc),
    options,
    run: async (given) => spec.run(options(given)),
  };
}
