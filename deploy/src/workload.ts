import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IDeployment, IService } from './k8s-models';
import { labelsOf, selectorOf, type Component } from './labels';

/** One long-running process behind a Service: a model, the upstream site, the collector, Jaeger. */
export interface WorkloadSpec {
  /** The Deployment's, the Service's and the container's name (the Service's DNS name). */
  name: string;
  namespace: string;
  component: Component;
  image: string;
  /** Named container ports; the Service exposes each on the same number. */
  ports: { name: string; port: number }[];
  env: Record<string, string>;
  resources: NonNullable<IContainer['resources']>;
  /** Readiness and liveness: an HTTP GET on a named port. */
  probes: { readiness: { path: string; port: string }; liveness: { path: string; port: string } };
  args?: string[];
  /** Seconds between SIGTERM and SIGKILL. */
  terminationGracePeriodSeconds?: number;
  /**
   * The process's uid: set for images whose USER is a name, which kubelet cannot check as non-root.
   */
  runAsUser?: number;
  /** A ConfigMap mounted read-only at a path. */
  configMap?: { name: string; mountPath: string };
}

/** `image` with its registry prefix. */
export function imageRef(registry: string, image: string): string {
  return `${registry}${image}`;
}

function container(spec: WorkloadSpec): IContainer {
  const probe = ({ path, port }: { path: string; port: string }, periodSeconds: number) => ({
    httpGet: { path, port },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ...(spec.args ? { args: spec.args } : {}),
    ports: spec.ports.map(({ name, port }) => ({ name, containerPort: port, protocol: 'TCP' })),
    env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
    resources: spec.resources,
    readinessProbe: probe(spec.probes.readiness, 5),
    livenessProbe: probe(spec.probes.liveness, 10),
    ...(spec.configMap
      ? { volumeMounts: [{ name: 'config', mountPath: spec.configMap.mountPath, readOnly: true }] }
      : {}),
    securityContext: {
      runAsNonRoot: true,
      ...(spec.runAsUser === undefined ? {} : { runAsUser: spec.runAsUser }),
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

function podSpec(spec: WorkloadSpec): IPodSpec {
  return {
    containers: [container(spec)],
    // Kubernetes would otherwise inject <SERVICE>_PORT=tcp://… for every Service of the
    // namespace: a Service named `upstream` sets UPSTREAM_PORT, an `otel-collector` OTEL_*.
    enableServiceLinks: false,
    ...(spec.terminationGracePeriodSeconds === undefined
      ? {}
      : { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
    ...(spec.configMap
      ? { volumes: [{ name: 'config', configMap: { name: spec.configMap.name } }] }
      : {}),
  };
}

/** A one-replica Deployment of `spec` and the ClusterIP Service in front of it. */
export function workload(spec: WorkloadSpec, pod: Partial<IPodSpec> = {}): [IDeployment, IService] {
  // Fresh objects each time: a shared one would be written as a YAML alias.
  const labels = () => labelsOf(spec.name, spec.component);
  const metadata = () => ({ name: spec.name, namespace: spec.namespace, labels: labels() });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(),
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorOf(spec.name) },
        template: { metadata: { labels: labels() }, spec: { ...podSpec(spec), ...pod } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(),
      spec: {
        selector: selectorOf(spec.name),
        ports: spec.ports.map(({ name, port }) => ({
          name,
          port,
          targetPort: name,
          protocol: 'TCP',
        })),
      },
    },
  ];
}
