/**
 * Which tags k6 puts on a sample, and so which labels its `experimental-prometheus-rw` output
 * writes — the rule the k6 stand-in (e2e/support/k6-stand-in.ts) follows, as k6 is coded to
 * behave. Every step cites grafana/k6 at tag v1.3.0 (commit 5870e99a), the version the defect of
 * issue 16 was seen with; `main` (v2.2) has the same code paths.
 *
 * k6 keeps two tag maps:
 * - **run tags** (`options.tags`, `K6_TAGS`, `--tag`): each layer that sets any tag replaces the
 *   whole map, in the order script < environment < command line — `lib/options.go` l.490–491
 *   (`if len(opts.RunTags) > 0 { o.RunTags = opts.RunTags }`) applied by
 *   `internal/cmd/config.go` `getConsolidatedConfig` l.263 (script), l.266 (env), l.269 (CLI);
 *   k6's own `internal/cmd/config_consolidation_test.go` l.364–372 pins it: a `--tag` leaves only
 *   the CLI's tags.
 * - **scenario tags** (`options.scenarios[name].tags`), merged over the run tags on everything a
 *   VU emits in that scenario (`internal/js/runner.go` l.751).
 */

/** The parts of k6's `Options` the tags come from (load-tests' `k6Options()` returns them). */
export interface K6TagOptions {
  tags?: Record<string, string>;
  scenarios?: Record<string, { tags?: Record<string, string> }>;
}

/** How k6 was started: the script's options, `k6 run`'s argv, the process environment. */
export interface K6Start {
  options: K6TagOptions;
  argv: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** What emits the sample, which decides which maps it carries. */
export type K6Emitter =
  /**
   * A VU running `scenario`: HTTP requests, checks, iterations. `system` are the system tags k6
   * sets for that metric (method, url, status, …); `request` the script's `params.tags`.
   */
  | {
      kind: 'vu';
      scenario: string;
      system?: Readonly<Record<string, string>>;
      request?: Readonly<Record<string, string>>;
    }
  /** The scheduler: `vus`, `vus_max`. */
  | { kind: 'engine' }
  /** An executor: `dropped_iterations` of `scenario`. */
  | { kind: 'executor'; scenario: string };

/**
 * A run tag k6 refuses to start with: a `--tag` without a name, a value or `=`, or a `K6_TAGS`
 * item that is not `name:value`. (Test support, not shipped: its codes mirror k6's errors.)
 */
export type K6TagErrorCode =
  'K6_TAG_EMPTY_NAME' | 'K6_TAG_EMPTY_VALUE' | 'K6_TAG_MISSING_VALUE' | 'K6_TAGS_INVALID_ITEM';

export class K6TagError extends Error {
  override readonly name = 'K6TagError';
  readonly code: K6TagErrorCode;
  constructor(code: K6TagErrorCode, received: string) {
    super(`Expected a run tag as NAME=VALUE (--tag) or name:value (K6_TAGS), got \`${received}\``);
    this.code = code;
  }
}

/**
 * The run tags of the `--tag` flags, or undefined when there are none. All flags of one command
 * line form one new map (`internal/cmd/options.go` l.213–228); each splits at its first `=`, an
 * empty name or value is an error (`parseTagNameValue`, l.251–265). `--tag x=y` and `--tag=x=y`
 * are the same flag to pflag.
 */
export function cliRunTags(argv: readonly string[]): Record<string, string> | undefined {
  const flags: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--tag') {
      const value = argv[i + 1];
      if (value === undefined) throw new K6TagError('K6_TAG_MISSING_VALUE', arg);
      flags.push(value);
    } else if (arg.startsWith('--tag=')) flags.push(arg.slice('--tag='.length));
  });
  if (flags.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at === 0) throw new K6TagError('K6_TAG_EMPTY_NAME', flag);
    if (at === -1 || at === flag.length - 1) throw new K6TagError('K6_TAG_EMPTY_VALUE', flag);
    tags[flag.slice(0, at)] = flag.slice(at + 1);
  }
  return tags;
}

/**
 * `K6_TAGS=model:async,lab_scenario:cpu`, or undefined when unset or empty. envconfig's map
 * format (vendored github.com/mstoykov/envconfig, `case reflect.Map`): items split on `,`, each
 * exactly one `name:value`, else "invalid map item".
 */
export function envRunTags(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> | undefined {
  const raw = env['K6_TAGS'];
  if (!raw?.trim()) return undefined;
  return Object.fromEntries(
    raw.split(',').map((item) => {
      const pair = item.split(':');
      if (pair.length !== 2) throw new K6TagError('K6_TAGS_INVALID_ITEM', item);
      return pair as [string, string];
    }),
  );
}

/** The run tags after consolidation: the last layer that sets any tag wins, whole. */
export function k6RunTags(start: K6Start): Record<string, string> {
  const layers = [start.options.tags, envRunTags(start.env ?? {}), cliRunTags(start.argv)];
  let tags: Record<string, string> = {};
  for (const layer of layers) if (layer && Object.keys(layer).length > 0) tags = { ...layer };
  return tags;
}

/**
 * The tags k6 attaches to one sample:
 * - a VU's: run tags, then its scenario's tags over them (`runner.go` l.751), then the system
 *   tags `group` and `scenario` (l.760–761) and the metric's own (method, status, …), then the
 *   request's `params.tags` over everything (`js/modules/k6/http/request.go` l.172, l.366–367);
 * - `vus`/`vus_max`: run tags only (`internal/execution/scheduler.go` l.201);
 * - `dropped_iterations`: run tags plus `scenario` (`lib/executor/base_executor.go` l.76–84,
 *   `getMetricTags`, used by `constant_arrival_rate.go` l.326) — no scenario tags.
 */
export function k6SampleTags(start: K6Start, emitter: K6Emitter): Record<string, string> {
  const run = k6RunTags(start);
  switch (emitter.kind) {
    case 'engine':
      return run;
    case 'executor':
      return { ...run, scenario: emitter.scenario };
    case 'vu': {
      const scenarioTags = start.options.scenarios?.[emitter.scenario]?.tags ?? {};
      return {
        ...run,
        ...scenarioTags,
        group: '', // the root group's path
        scenario: emitter.scenario,
        ...emitter.system,
        ...emitter.request,
      };
    }
  }
}

/**
 * The labels of the series `experimental-prometheus-rw` writes: `k6_` + the metric name (with
 * its suffix, e.g. `http_reqs_total`), every tag verbatim — except empty ones, which it skips
 * (`internal/output/prometheusrw/remotewrite/prometheus.go` l.26–27: that is why `group` never
 * shows).
 */
export function remoteWriteLabels(
  metric: string,
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  const labels: Record<string, string> = { __name__: `k6_${metric}` };
  for (const [name, value] of Object.entries(tags)) if (name && value) labels[name] = value;
  return labels;
}

/** One HTTP request a VU made and the answer it got, for {@link k6HttpSample}. */
export interface K6HttpRequest {
  method: string;
  /** The URL requested (already clean: no user info, no secrets). */
  url: string;
  /**
   * The answer's status; requests without an answer (status 0, a network error) are not
   * modelled.
   */
  status: number;
  proto?: string;
  /** The script's `params.tags`. */
  tags?: Readonly<Record<string, string>>;
}

/**
 * The system tags k6 v1.0.0 (commit 41b4984b) puts on an answered request's samples —
 * http_reqs, http_req_duration, http_req_failed… — with the default system tags and response
 * callback, and the value of its `http_req_failed` sample. All in `lib/netext/httpext/transport.go`
 * `measureAndEmitMetrics`:
 * - `name` and `url` (l.87–101): both the URL; but when the script set a `name` tag, `url` takes
 *   that name too ("to prevent high-cardinality values in the indexed tags");
 * - `method` (l.103); `status`, and from 400 up `error_code` = 1000 + status (l.111–114);
 *   `proto` (l.116);
 * - `expected_response` (l.141): the default callback expects 200–399
 *   (`js/modules/k6/http/response_callback.go` l.13); `http_req_failed` is 1 for any other
 *   status, 0 otherwise, with the same tags (l.131–159).
 * So every status is a series of its own, and a Rate's remote-write value (the share of its
 * non-zero samples since the run began, `remotewrite.go` l.340–344) is 0 on a 200 series and 1
 * on a 503 one: the share of failures is only in the counters.
 */
export function k6HttpSample(request: K6HttpRequest): {
  system: Record<string, string>;
  request: Record<string, string>;
  failed: 0 | 1;
} {
  if (request.status < 100)
    throw new RangeError(`Expected an answered request (status ≥ 100), got ${request.status}`);
  const tags = { ...request.tags };
  const expected = request.status >= 200 && request.status <= 399;
  const system: Record<string, string> = {
    name: tags['name'] ?? request.url,
    url: tags['name'] ?? request.url,
    method: request.method,
    status: String(request.status),
    ...(request.status >= 400 ? { error_code: String(1000 + request.status) } : {}),
    proto: request.proto ?? 'HTTP/1.1',
    expected_response: String(expected),
  };
  return { system, request: tags, failed: expected ? 0 : 1 };
}
