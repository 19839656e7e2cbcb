import { describeValue } from '@concurrency-lab/errors';
import type { Demo, DemoResult } from './demo';
import { DEMO_UNKNOWN_FAILURE } from './errors';
import { renderHeader, renderResult } from './render';

/** One demo's run, as `--json` prints it and the lessons report keeps it. */
export interface LessonRecord {
  name: string;
  mirrors: string;
  describe: string;
  /**
   * Every knob's value it ran with (defaults and the ones turned): the sizes behind the figures.
   */
  options: object;
  startedAt: string;
  durationMs: number;
  result: DemoResult;
}

/** What a demo that threw stands for: the lesson was not shown, and why. */
function failed(error: unknown): DemoResult {
  // `?.`: a demo may throw `undefined` or `null`, which have no properties to read.
  const own = (error as { code?: unknown } | null | undefined)?.code;
  // describeValue, not String(): that throws for Object.create(null) or a throwing toString.
  const message = error instanceof Error ? error.message : describeValue(error);
  // Its own code when it has a string one; else a catalogued code, never one made up here.
  const code = typeof own === 'string' ? own : undefined;
  return {
    figures: { error: code ?? DEMO_UNKNOWN_FAILURE, message },
    table: { header: ['error'], rows: [[code ?? 'error']] },
    notes: [message],
    verdict: { holds: false, why: `it failed (${code ?? message})` },
  };
}

/**
 * Runs one demo with its defaults, overridden by the knobs `given` (the command line's), and
 * writes its output to `out`: the header before it starts, the table and the verdict line once
 * done (nothing with `json`: the caller prints the record). A demo that throws counts as a
 * lesson not shown, never as a crash of the command.
 * @throws KnobError before anything starts, for a knob the demo refuses
 */
export async function runDemo(
  demo: Demo,
  out: NodeJS.WritableStream | undefined,
  given: object = {},
): Promise<LessonRecord> {
  const options = demo.options(given);
  out?.write(`${renderHeader(demo)}\n`);
  const startedAt = new Date().toISOString();
  const start = performance.now();
  let result: DemoResult;
  try {
    result = await demo.run(options);
  } catch (error) {
    result = failed(error);
  }
  out?.write(`${renderResult(demo, result)}\n`);
  return {
    name: demo.name,
    mirrors: demo.mirrors,
    describe: demo.describe,
    options,
    startedAt,
    durationMs: Math.round(performance.now() - start),
    result,
  };
}
