import type { ModelInfo } from '@concurrency-lab/models';
import type { DeployOptions } from './deploy-options';
import { DeploySourceError, ParallelismError } from './errors';
import type { IConfigMap } from './k8s-models';
import { labelsOf } from './labels';
import { serviceUrl } from './model-services';
import type { ScenarioSource } from './sources';
import type { TestRun } from './test-run';

/** docker-compose.yml's k6 (a test holds them equal); TypeScript scripts need k6 ≥ 0.57. */
export const K6_IMAGE = 'grafana/k6:1.0.0';
/** The ConfigMap holding load-tests/k6/** and scenarios.json. */
export const K6_SCRIPTS = 'k6-scripts';
/** Where the runners mount it; the scripts' relative paths hold below it. */
export const K6_SCRIPTS_MOUNT = '/scripts';
/**
 * How k6 pushes, as docker-compose.yml's k6 service sets it (a test holds them equal). Stale
 * markers on: k6 then marks every series it wrote as stale when the run ends, instead of
 * leaving its last values in Prometheus for the 5-minute lookback (k6 v1.0.0 defaults it to
 * false: internal/output/prometheusrw/remotewrite/config.go, `StaleMarkers`).
 */
export const K6_REMOTE_WRITE_ENV = {
  K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(95),p(99),avg,max',
  K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
  K6_PROMETHEUS_RW_STALE_MARKERS: 'true',
} as const;

/**
 * Memory a k6 VU costs its runner: the k6 maintainers' estimate for small scripts, "usually it is
 * expected to be around 2.7-3MB /VU for such small scripts" (na--, grafana/k6#1543), the upper
 * end. An estimate, not a measurement of our scripts: k6's "Running large tests" guide says it
 * depends on the script and must be measured (docs/deploy.md says how).
 */
export const RUNNER_MIB_PER_VU = 3;
/**
 * What a runner holds whatever its VUs: the k6 binary, the compiled script, the remote-write
 * buffers.
 */
export const RUNNER_BASE_MIB = 256;
/** The runner memory every TestRun had before it was sized (a 1Gi limit): none gets less. */
export const RUNNER_MIN_MIB = 1024;
/** Runner memory is rounded up to a multiple of this. */
export const RUNNER_MIB_STEP = 64;

/**
 * The VUs k6 may hold for one stream, as load-tests/k6/lib/plan.ts `k6Options` configures it: a
 * rate stream's `constant-arrival-rate` has preAllocatedVUs = maxVUs = connections (all of them
 * initialised before the first request), a closed stream's `constant-vus` has vus = connections.
 * A deploy test holds this equal to what `k6Options` returns.
 */
export function streamVus(stream: ScenarioSource['streams'][number]): number {
  return stream.connections;
}

/**
 * The most VUs one runner pod of `parallelism` holds: k6 scales each stream's VUs to a runner's
 * execution segment on its own, and with equal segments the first runner gets the remainder of
 * every stream (k6 lib/execution_segment.go `ScaleInt64`), so each stream's share is rounded up
 * before they are added (fairness, 4 + 4 VUs over 3 runners: 2 + 2 on the first).
 */
export function runnerVus(scenario: ScenarioSource, parallelism: number): number {
  return scenario.streams.reduce((sum, s) => sum + Math.ceil(streamVus(s) / parallelism), 0);
}

/**
 * A runner's memory in MiB, request = limit: the base plus the per-VU estimate for every VU it
 * holds (k6 initialises them all at start, so too little is an OOM kill before the first request),
 * rounded up to RUNNER_MIB_STEP, never below RUNNER_MIN_MIB.
 */
export function runnerMemoryMib(vus: number): number {
  const needed = RUNNER_BASE_MIB + RUNNER_MIB_PER_VU * vus;
  return Math.max(RUNNER_MIN_MIB, Math.ceil(needed / RUNNER_MIB_STEP) * RUNNER_MIB_STEP);
}

/** 1024 → `1Gi`, 3264 → `3264Mi`: a Kubernetes quantity. */
export function mibQuantity(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/**
 * A ConfigMap key for a file path: keys may not hold `/` (`[-._a-zA-Z0-9]+`), so a ConfigMap is
 * flat; `k6/lib/plan.ts` becomes `k6__lib__plan.ts` and the runner's volume maps it back.
 */
export function configMapKey(path: string): string {
  return path.split('/').join('__');
}

/** The scripts and scenarios.json, byte for byte, under flattened keys. */
export function k6ScriptsConfigMap(
  options: DeployOptions,
  files: Record<string, string>,
): IConfigMap {
  const data: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    const key = configMapKey(path);
    if (key in data)
      throw new DeploySourceError(`Expected unique ConfigMap keys, got \`${key}\` twice`);
    data[key] = text;
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: K6_SCRIPTS,
      namespace: options.namespace,
      labels: labelsOf(K6_SCRIPTS, 'load'),
    },
    data,
  };
}

export function testRunName(scenario: ScenarioSource, model: ModelInfo): string {
  return `k6-${scenario.id}-${model.model}`;
}

/**
 * k6 gives runner i of N the i-th segment of every stream's VUs; with fewer connections than
 * runners some get none, and a rate stream would then drop all their arrivals.
 */
export function checkParallelism(scenario: ScenarioSource, parallelism: number): void {
  const narrowest = [...scenario.streams].sort((a, b) => a.connections - b.connections)[0];
  if (narrowest && parallelism > narrowest.connections)
    throw new ParallelismError(
      `Expected \`parallelism\` to be at most ${narrowest.connections} (stream \`${narrowest.name}\` of scenario \`${scenario.id}\` has ${narrowest.connections} connections), got \`${parallelism}\``,
    );
}

/**
 * One k6 run of `scenario` against `model`, split over `options.parallelism` runner pods that
 * push to Prometheus. `model`, `lab_scenario` and `testid` go as `--tag`s: the operator adds
 * `--tag instance_id=… --tag testrun_name=…` to every runner, and any `--tag` replaces the
 * script's options.tags whole (load-tests/k6/lib/plan.ts explains).
 */
export function k6TestRun(
  scenario: ScenarioSource,
  model: ModelInfo,
  options: DeployOptions,
  files: Record<string, string>,
): TestRun {
  checkParallelism(scenario, options.parallelism);
  const entry = `k6/${scenario.id}.ts`;
  if (!(entry in files))
    throw new DeploySourceError(`Expected load-tests/${entry} for scenario \`${scenario.id}\``);
  const flags = [
    ['--out', 'experimental-prometheus-rw'],
    ['--tag', `testid=${options.testid}`],
    ['--tag', `model=${model.model}`],
    ['--tag', `lab_scenario=${scenario.id}`],
  ];
  const env: Record<string, string> = {
    BASE_URL: serviceUrl(model.app, model.port),
    MODEL: model.model,
    DURATION: options.duration,
    SUMMARY_DIR: '/tmp',
    K6_PROMETHEUS_RW_SERVER_URL: options.remoteWriteUrl,
    ...K6_REMOTE_WRITE_ENV,
  };
  const name = testRunName(scenario, model);
  const memory = mibQuantity(runnerMemoryMib(runnerVus(scenario, options.parallelism)));
  const labels = labelsOf(name, 'load');
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      parallelism: options.parallelism,
      script: { localFile: `${K6_SCRIPTS_MOUNT}/${entry}` },
      arguments: flags.flat().join(' '),
      cleanup: 'post',
      runner: {
        image: K6_IMAGE,
        env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
        // request = limit, cpu as well: the Guaranteed QoS class, the last evicted under memory
        // pressure.
        resources: {
          requests: { cpu: '1', memory },
          limits: { cpu: '1', memory },
        },
        volumes: [
          {
            name: K6_SCRIPTS,
            configMap: {
              name: K6_SCRIPTS,
              items: Object.keys(files).map((path) => ({ key: configMapKey(path), path })),
            },
          },
        ],
        volumeMounts: [{ name: K6_SCRIPTS, mountPath: K6_SCRIPTS_MOUNT, readOnly: true }],
        metadata: { labels: { ...labels } },
      },
    },
  };
}
