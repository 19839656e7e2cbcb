import { UPSTREAM, type ModelInfo } from '@concurrency-lab/models';
import type { DeployOptions } from './deploy-options';
import type { IDeployment, IService, IServiceMonitor } from './k8s-models';
import { labelsOf, selectorOf, type Component } from './labels';
import { imageRef, workload } from './workload';

/** How long a model drains in-flight requests on SIGTERM (`SHUTDOWN_TIMEOUT_MS`). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Kubernetes waits this much past the drain before SIGKILL: docker-compose's 15 s in all. */
export const TERMINATION_MARGIN_S = 5;
/** The `node` user of the node:24 images (the Dockerfile's USER). */
const NODE_UID = 1000;
/** Where the models send traces: the collector's Service, OTLP over HTTP. */
export const OTEL_COLLECTOR = { name: 'otel-collector', otlpHttpPort: 4318 } as const;

/**
 * What a model needs said outright beyond the shared settings, as docker-compose.yml says it:
 * hybrid runs WORKERS processes × 1 pool thread each, the same CPUs of work as every model.
 * Left unset, its threads would be the CPUs the runtime reads shared out over the processes —
 * 1 too under a 2-CPU limit on Node 24, but only as long as the runtime reads the limit so.
 */
const MODEL_ENV: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  hybrid: { HYBRID_THREADS: '1' },
};

/** The image docker-compose.yml builds for `app` (the repository's Dockerfile). */
export function appImage(options: DeployOptions, app: string, version: string): string {
  return imageRef(options.imageRegistry, `concurrency-lab/${app}:${version}`);
}

/** The same budget for every model: request = limit, so no model bursts past another. */
export function modelResources(options: DeployOptions) {
  const budget = { cpu: String(options.cpus), memory: options.memory };
  return { requests: { ...budget }, limits: { ...budget } };
}

/** `http://<service>:<port>` inside the namespace. */
export function serviceUrl(app: string, port: number): string {
  return `http://${app}:${port}`;
}

const terminationGracePeriodSeconds = Math.ceil(SHUTDOWN_TIMEOUT_MS / 1000) + TERMINATION_MARGIN_S;

/**
 * One of the repository's Node apps (its image from the Dockerfile) as a Deployment and Service:
 * one `http` port, the model budget, the `node` user, and a grace period covering the drain.
 */
function nodeApp(
  options: DeployOptions,
  version: string,
  app: { name: string; component: Component; port: number; env: Record<string, string> },
  readinessPath: string,
  pod: Parameters<typeof workload>[1] = {},
): [IDeployment, IService] {
  return workload(
    {
      name: app.name,
      namespace: options.namespace,
      component: app.component,
      image: appImage(options, app.name, version),
      ports: [{ name: 'http', port: app.port }],
      env: { HOST: '0.0.0.0', PORT: String(app.port), ...app.env },
      resources: modelResources(options),
      probes: {
        readiness: { path: readinessPath, port: 'http' },
        liveness: { path: '/healthz', port: 'http' },
      },
      terminationGracePeriodSeconds,
      runAsUser: NODE_UID,
    },
    pod,
  );
}

/**
 * A model's Deployment and Service. WORKERS equals the CPU limit, so a difference on the
 * dashboards is the model's, not the budget's (as in docker-compose.yml).
 */
export function modelService(
  model: ModelInfo,
  options: DeployOptions,
  version: string,
  measuredEnv: Record<string, string>,
): [IDeployment, IService] {
  const env = {
    WORKERS: String(options.cpus),
    ...MODEL_ENV[model.model],
    // As the lab runs them (scenarios.json's `serviceEnv`): the TestRuns' load is not shed.
    ...measuredEnv,
    UPSTREAM_URL: serviceUrl(UPSTREAM.app, UPSTREAM.port),
    OTEL_EXPORTER_OTLP_ENDPOINT: serviceUrl(OTEL_COLLECTOR.name, OTEL_COLLECTOR.otlpHttpPort),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    LOG_LEVEL: 'info',
  };
  // The cluster model forks workers: with a shared process namespace the pod's pause process
  // is PID 1 and reaps them, and node gets SIGTERM as an ordinary process (compose: init: true).
  return nodeApp(
    options,
    version,
    { name: model.app, component: 'model', port: model.port, env },
    '/readyz',
    { shareProcessNamespace: true },
  );
}

/**
 * The site /io/scrape fetches. It has no /readyz (it is ready once it listens), so both probes
 * ask /healthz; it force-closes connections 10 s after SIGTERM, so the same grace period.
 */
export function upstreamService(
  options: DeployOptions,
  version: string,
  env: Record<string, string>,
): [IDeployment, IService] {
  const app = { name: UPSTREAM.app, component: 'upstream' as const, port: UPSTREAM.port, env };
  return nodeApp(options, version, app, '/healthz');
}

/**
 * Prometheus Operator scrapes the model's Service like prometheus.yml's job does: /metrics
 * every 5 s. Every series already carries `model` from the service itself.
 */
export function modelServiceMonitor(model: ModelInfo, options: DeployOptions): IServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: {
      name: model.app,
      namespace: options.namespace,
      labels: labelsOf(model.app, 'model'),
    },
    spec: {
      selector: { matchLabels: selectorOf(model.app) },
      namespaceSelector: { matchNames: [options.namespace] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '5s', scrapeTimeout: '4s' }],
    },
  };
}
