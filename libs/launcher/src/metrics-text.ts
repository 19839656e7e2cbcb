/** One series of a metric, as a service's `/metrics` gives it: its labels and its value. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Every series of metric `name` in a Prometheus text exposition (what `/metrics` answers by
 * default; an OpenMetrics answer reads the same), in the order written. Only `name` itself:
 * `x_count` and `x_bucket` are other names. Read as the format says: blanks and tabs, any number,
 * between tokens and around a line; a value as Prometheus reads one (a decimal float, `+Inf`,
 * `-Inf`, `NaN`; not `0x10`), and in a label value only the escapes `\\`, `\"` and `\n`.
 * `# HELP` / `# TYPE` lines, timestamps and OpenMetrics exemplars are passed over. A line that
 * does not parse is skipped: the reader of a scrape wants the series that are there.
 */
export function metricSamples(text: string, name: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const start = skipBlanks(line, 0);
    if (!line.startsWith(name, start)) continue;
    const sample = parseSample(line, start + name.length);
    if (sample !== undefined) samples.push(sample);
  }
  return samples;
}

/**
 * The sum of metric `name` over its series whose labels include every pair of `where`
 * (`{ reason: 'queue_full' }`): a counter over a cluster's processes, or over one label's
 * values. A series whose value is not finite (a `NaN` gauge of a process with nothing measured
 * yet) is left out rather than turning the sum into `NaN`. 0 when no series matches.
 */
export function metricSum(
  text: string,
  name: string,
  where: Readonly<Record<string, string>> = {},
): number {
  const wanted = Object.entries(where);
  let total = 0;
  for (const { labels, value } of metricSamples(text, name)) {
    if (Number.isFinite(value) && wanted.every(([key, want]) => labels[key] === want)) {
      total += value;
    }
  }
  return total;
}

/**
 * What follows the name on a sample line, from `at`: `{a="x",b="y"} 12 1700000000000`, ` 12`,
 * or with an OpenMetrics exemplar, `… 12 # {trace_id="…"} 1`.
 */
function parseSample(line: string, at: number): MetricSample | undefined {
  // A longer name (`name_count` when asked for `name`) goes on with a name's character.
  if (!BLANK.test(line[at] ?? '') && line[at] !== '{') return undefined;
  at = skipBlanks(line, at);
  let labels: Record<string, string> = {};
  if (line[at] === '{') {
    const read = parseLabels(line, at + 1);
    if (read === undefined) return undefined;
    [labels, at] = read;
  }
  const tail = TAIL.exec(line.slice(at));
  if (tail === null) return undefined;
  const [, value, timestamp] = tail;
  const number = parseValue(value ?? '');
  if (number === undefined) return undefined;
  if (timestamp !== undefined && !Number.isFinite(parseValue(timestamp))) return undefined;
  return { labels, value: number };
}

/** `a="x", b="y"}` from `at` (just past `{`): the labels and where the line goes on past `}`. */
function parseLabels(
  line: string,
  at: number,
): [labels: Record<string, string>, next: number] | undefined {
  const labels: Record<string, string> = {};
  for (;;) {
    at = skipBlanks(line, at);
    if (line[at] === '}') return [labels, at + 1]; // `{}`, or a trailing comma before `}`
    LABEL_NAME.lastIndex = at;
    const key = LABEL_NAME.exec(line)?.[0];
    if (key === undefined) return undefined;
    at = skipBlanks(line, at + key.length);
    if (line[at] !== '=') return undefined;
    at = skipBlanks(line, at + 1);
    if (line[at] !== '"') return undefined;
    let value = '';
    for (at++; at < line.length && line[at] !== '"'; at++) {
      if (line[at] === '\\') {
        const char = ESCAPES.get(line[++at] ?? '');
        if (char === undefined) return undefined; // `\t`: no escape of the format's
        value += char;
      } else value += line[at];
    }
    if (at >= line.length) return undefined; // an unterminated value
    labels[key] = value;
    at = skipBlanks(line, at + 1);
    if (line[at] === ',') at++;
    else if (line[at] !== '}') return undefined; // `a="x"b="y"`: a comma is missing
  }
}

/**
 * A sample's value as Prometheus reads it: Go's ParseFloat without the hexadecimal and `_` forms
 * Prometheus refuses, so a decimal float in range, or `Inf`/`Infinity` signed or not, or `NaN`,
 * any case; not what `Number()` also takes (`0x10`, `0b11`, `''`).
 */
function parseValue(token: string): number | undefined {
  if (NAN.test(token)) return NaN;
  const infinity = INFINITY.exec(token);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  if (!DECIMAL.test(token)) return undefined;
  const value = Number(token);
  return Number.isFinite(value) ? value : undefined; // `1e400`: out of range, refused
}

function skipBlanks(line: string, at: number): number {
  while (BLANK.test(line[at] ?? '')) at++;
  return at;
}

/** The blanks the format allows between tokens: spaces and tabs. */
const BLANK = /^[ \t]$/;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ['"', '"'],
  ['n', '\n'],
]);
/** After the labels: the value, an optional timestamp, an optional exemplar (`# {…} 1`). */
const TAIL = /^[ \t]*([^ \t#][^ \t]*)(?:[ \t]+([^ \t#][^ \t]*))?(?:[ \t]+#.*)?[ \t]*$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NAN = /^nan$/i;
