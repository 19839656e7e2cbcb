import { isScalar, parseDocument } from 'yaml';
import type { DeployOptions } from './deploy-options';
import { DeploySourceError } from './errors';
import type { IConfigMap, IDeployment, IService } from './k8s-models';
import { labelsOf } from './labels';
import { OTEL_COLLECTOR } from './model-services';
import { workload } from './workload';

/** The collector observability/otel-collector/Dockerfile builds on (a test holds them equal). */
export const COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.120.0';
/** docker-compose.yml's Jaeger (a test holds them equal). */
export const JAEGER_IMAGE = 'jaegertracing/jaeger:2.5.0';
/** Where the contrib image reads its configuration. */
const COLLECTOR_CONFIG_DIR = '/etc/otelcol-contrib';
const HEALTH_PATH = ['extensions', 'health_check', 'endpoint'];

/**
 * observability/otel-collector/config.yaml for a pod: the same file (comments kept) with one
 * change — the health_check extension listens on 0.0.0.0 instead of 127.0.0.1, because
 * kubelet probes the pod's IP, not its loopback (compose's HEALTHCHECK ran inside the container).
 */
export function collectorConfigForPod(config: string): string {
  const node = parseDocument(config).getIn(HEALTH_PATH, true);
  const endpoint = isScalar(node) ? node.value : undefined;
  if (
    !isScalar(node) ||
    !node.range ||
    typeof endpoint !== 'string' ||
    !/^127\.0\.0\.1:\d+$/.test(endpoint)
  )
    throw new DeploySourceError(
      `Expected extensions.health_check.endpoint of the collector config to be 127.0.0.1:<port>, got \`${String(endpoint)}\``,
    );
  // Splice the value in place: every other byte (comments, layout) stays the file's.
  const [start, end] = node.range;
  return `${config.slice(0, start)}${endpoint.replace('127.0.0.1', '0.0.0.0')}${config.slice(end)}`;
}

/** The health_check port of the collector config. */
function healthPort(config: string): number {
  return Number(String(parseDocument(config).getIn(HEALTH_PATH)).split(':').at(-1));
}

/** The collector: its configuration as a ConfigMap, a Deployment mounting it, a Service. */
export function otelCollector(
  options: DeployOptions,
  config: string,
): [IConfigMap, IDeployment, IService] {
  const configMap: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: OTEL_COLLECTOR.name,
      namespace: options.namespace,
      labels: labelsOf(OTEL_COLLECTOR.name, 'collector'),
    },
    data: { 'config.yaml': collectorConfigForPod(config) },
  };
  const [deployment, service] = workload({
    name: OTEL_COLLECTOR.name,
    namespace: options.namespace,
    component: 'collector',
    image: COLLECTOR_IMAGE,
    args: [`--config=${COLLECTOR_CONFIG_DIR}/config.yaml`],
    ports: [
      { name: 'otlp-grpc', port: 4317 },
      { name: 'otlp-http', port: OTEL_COLLECTOR.otlpHttpPort },
      { name: 'health', port: healthPort(config) },
    ],
    env: {},
    // memory_limiter refuses data past 200 MiB (config.yaml): the limit leaves it headroom.
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '320Mi' } },
    probes: {
      readiness: { path: '/', port: 'health' },
      liveness: { path: '/', port: 'health' },
    },
    configMap: { name: OTEL_COLLECTOR.name, mountPath: COLLECTOR_CONFIG_DIR },
  });
  return [configMap, deployment, service];
}

/**
 * Jaeger v2 (in-memory), where the collector config exports traces (`jaeger:4317`), as in
 * docker-compose.yml; its UI on 16686 (`kubectl port-forward`).
 */
export function jaeger(options: DeployOptions): [IDeployment, IService] {
  return workload({
    name: 'jaeger',
    namespace: options.namespace,
    component: 'tracing',
    image: JAEGER_IMAGE,
    ports: [
      { name: 'otlp-grpc', port: 4317 },
      { name: 'ui', port: 16686 },
      { name: 'health', port: 13133 },
    ],
    // The all-in-one config binds ${JAEGER_LISTEN_HOST:-localhost}: the collector must reach it.
    env: { JAEGER_LISTEN_HOST: '0.0.0.0' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    probes: {
      readiness: { path: '/status', port: 'health' },
      liveness: { path: '/status', port: 'health' },
    },
  });
}
