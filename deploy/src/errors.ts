import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the deploy project throws on purpose (docs/errors.md). A leaf module. */
export const ERROR_NAMESPACE = 'ERR_DEPLOY_';

/** A synth option (`npx nx run deploy:synth -- --name=value`) out of its range or unknown. */
export class DeployOptionError extends coded('ERR_DEPLOY_OPTION', 'A deploy option is invalid') {}

/**
 * More k6 runners than a stream has connections: k6 splits each stream's VUs over the runners
 * (execution segments), so a runner would get 0 VUs but a share of the arrival rate, and drop
 * every one of its iterations.
 */
export class ParallelismError extends coded(
  'ERR_DEPLOY_PARALLELISM',
  'The TestRun parallelism exceeds a stream’s connections',
) {}

/** One thing wrong with a generated object: where, and which rule it breaks. */
export interface ManifestProblem {
  /** `Kind/name` of the object. */
  readonly object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/image`. */
  readonly path: string;
  /**
   * The schema keyword (`type`, `required`, …) or our own check (`rfc1123`, `unknown-field`, …).
   */
  readonly rule: string;
}

/** Generated objects that fail their schema or our own checks: nothing is written. */
export class ManifestError extends coded('ERR_DEPLOY_MANIFEST', 'A generated object is invalid') {
  readonly problems: readonly ManifestProblem[];
  constructor(problems: readonly ManifestProblem[], message?: string) {
    super(
      message ??
        `Expected every generated object to be valid, got ${problems.length} problem(s): ${problems
          .slice(0, 5)
          .map((p) => `${p.object} ${p.path} (${p.rule})`)
          .join('; ')}`,
    );
    this.problems = problems;
  }
}

/**
 * A source file the manifests are made from (scenarios.json, the collector config) is malformed.
 */
export class DeploySourceError extends coded(
  'ERR_DEPLOY_SOURCE',
  'A source file of the manifests is malformed',
) {}

export const ERROR_CATALOG = catalog(
  [
    DeployOptionError,
    'A synth option is unknown or out of its range (say which, what was expected, what came).',
  ],
  [
    ParallelismError,
    'The TestRun parallelism exceeds the connections of a stream: some k6 runners would get no VU and drop all their arrivals.',
  ],
  [
    ManifestError,
    'A generated Kubernetes object fails its schema (kubernetes-models, or our TestRun schema) or our own checks (names, labels, ConfigMap keys, unknown fields); `problems` lists each.',
  ],
  [
    DeploySourceError,
    'A file the manifests are generated from (load-tests/scenarios.json, the collector config) lacks what the generator reads.',
  ],
);
