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

export interface DemoResult {
  readonly figures: Figures;
  readonly table: Table;
  /** A few lines printed under the table: what the figures mean, what to use instead. */
  readonly notes?: readonly string[];
  readonly verdict: Verdict;
}

/**
 * One lesson of the guide. `run` starts real threads, processes and sockets as the lesson
 * needs, stops every one of them before it resolves, and checks the lesson against what it
 * measured. `P` are its knobs (sizes, repeat counts): the defaults make a few seconds on two
 * cores; tests pass smaller ones.
 */
export interface Demo<P extends object = object> {
  /** The command-line name: `npm run demo -- <name>`. */
  readonly name: string;
  /** The part of the guide it mirrors. */
  readonly mirrors: string;
  /** Two or three lines (≤ 78 columns each): what it shows. */
  readonly describe: readonly string[];
  readonly defaults: Readonly<P>;
  run(options?: Partial<P>): Promise<DemoResult>;
}
