/** One series of a metric, as a service's `/metrics` gives it: its labels and its value. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Every series of metric `name` in a Prometheus text exposition (what `/metrics` answers by
 * default; an OpenMetrics answer reads the same), in the order written. Only `name` itself:
 * `x_count` and `x_bucket` are other names. `# HELP` / `# TYPE` lines, timestamps and
 * OpenMetrics exemplars are passed over; `+Inf`, `-Inf` and `NaN` are read as such. A line that
 * does not parse is skipped: the reader of a scrape wants the series that are there.
 */
export function metricSamples(text: string, name: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const sample = parseSample(line.slice(name.length));
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

/** `{a="x",b="y"} 12 1700000000000 # {trace_id="…"} 1` (after the name), or ` 12`. */
function parseSample(rest: string): MetricSample | undefined {
  const labels: Record<string, string> = {};
  let at = 0;
  if (rest.startsWith('{')) {
    at = 1;
    while (rest[at] !== '}') {
      const eq = rest.indexOf('="', at);
      if (eq < 0) return undefined;
      const key = rest.slice(at, eq).trim();
      let value = '';
      let i = eq + 2;
      for (; i < rest.length && rest[i] !== '"'; i++) {
        if (rest[i] === '\\') value += unescape(rest[++i]);
        else value += rest[i];
      }
      if (i >= rest.length) return undefined; // an unterminated value
      labels[key] = value;
      at = i + 1;
      if (rest[at] === ',') at++;
    }
    at++;
  }
  if (rest[at] !== ' ') return undefined; // a longer name: `name_count` when asked for `name`
  const token = rest.slice(at + 1).split(' ')[0] ?? '';
  const value = INFINITIES.get(token) ?? (token === '' ? NaN : Number(token));
  return token === 'NaN' || !Number.isNaN(value) ? { labels, value } : undefined;
}

const INFINITIES: ReadonlyMap<string, number> = new Map([
  ['+Inf', Infinity],
  ['-Inf', -Infinity],
]);

/** The text format's three escapes in a label value: `\\`, `\"` and `\n`. */
function unescape(char: string | undefined): string {
  return char === 'n' ? '\n' : (char ?? '');
}
