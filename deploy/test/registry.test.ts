/**
 * The manifests agree with the model registry (MODELS, UPSTREAM) and with docker-compose.yml:
 * one Deployment + Service per model and the upstream, on the registry's ports, selectors that
 * find exactly their pods, a ServiceMonitor per model, the same budget for every model, and every
 * URL an object points at served by a Service of the namespace.
 */
import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { K6_IMAGE, K6_REMOTE_WRITE_ENV } from '../src/k6-test-runs';
import type { IDeployment, IService, IServiceMonitor } from '../src/k8s-models';
import { SHUTDOWN_TIMEOUT_MS, TERMINATION_MARGIN_S } from '../src/model-services';
import { readSources } from '../src/sources';
import { COLLECTOR_IMAGE, JAEGER_IMAGE } from '../src/tracing-services';
import { byKind, root, synthesized } from './support/synthesized';

type Deployment = IDeployment;
type Service = IService;

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; environment?: Record<string, string> }>;
};
const registry = [...MODELS, UPSTREAM].map((m) => ({ app: m.app, port: m.port }));

let objects: Record<string, unknown>[] = [];
let deployments = new Map<string, Deployment>();
let services = new Map<string, Service>();
let monitors = new Map<string, IServiceMonitor>();

beforeAll(async () => {
  ({ objects } = await synthesized());
  deployments = byKind<Deployment>(objects, 'Deployment');
  services = byKind<Service>(objects, 'Service');
  monitors = byKind<IServiceMonitor>(objects, 'ServiceMonitor');
});

const containerOf = (d: Deployment | undefined) => d?.spec?.template.spec?.containers[0];
const envOf = (d: Deployment | undefined) =>
  Object.fromEntries((containerOf(d)?.env ?? []).map((e) => [e.name, e.value]));
const matches = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> = {},
) =>
  Object.keys(selector ?? {}).length > 0 &&
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

describe('the manifests and the model registry', () => {
  it('a Deployment and a Service per model and the upstream, on the registry’s port', () => {
    for (const { app, port } of registry) {
      const deployment = deployments.get(app);
      expect([app, containerOf(deployment)?.ports]).toEqual([
        app,
        [{ name: 'http', containerPort: port, protocol: 'TCP' }],
      ]);
      expect([app, envOf(deployment)['PORT']]).toEqual([app, String(port)]);
      expect([app, services.get(app)?.spec?.ports]).toEqual([
        app,
        [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
      ]);
    }
  });

  it('every selector finds the pods of its own Deployment and no other', () => {
    expect(deployments.size).toBeGreaterThanOrEqual(registry.length + 2);
    for (const [name, service] of services) {
      const selected = [...deployments].filter(([, d]) =>
        matches(service.spec?.selector, d.spec?.template.metadata?.labels),
      );
      expect([name, selected.map(([n]) => n)]).toEqual([name, [name]]);
    }
    for (const [name, deployment] of deployments) {
      const own = matches(
        deployment.spec?.selector.matchLabels,
        deployment.spec?.template.metadata?.labels,
      );
      expect([name, own]).toEqual([name, true]);
    }
  });

  it('a ServiceMonitor per model (only), selecting its Service and scraping its named port', () => {
    expect([...monitors.keys()]).toEqual(MODELS.map((m) => m.app));
    for (const [name, monitor] of monitors) {
      const service = services.get(name);
      const selected = [...services].filter(([, s]) =>
        matches(monitor.spec.selector.matchLabels, s.metadata?.labels),
      );
      expect([name, selected.map(([n]) => n)]).toEqual([name, [name]]);
      const portNames = service?.spec?.ports?.map((p) => p.name);
      expect([name, monitor.spec.endpoints?.map((e) => [e.port, e.path])]).toEqual([
        name,
        [[portNames?.[0], '/metrics']],
      ]);
    }
  });

  it('the same budget for every model: requests = limits, WORKERS = the CPU limit', () => {
    const budgets = MODELS.map((m) => containerOf(deployments.get(m.app))?.resources);
    expect(new Set(budgets.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(budgets[0]).toEqual({
      requests: { cpu: '2', memory: '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    for (const model of MODELS) {
      const deployment = deployments.get(model.app);
      expect([model.app, envOf(deployment)['WORKERS']]).toEqual([
        model.app,
        containerOf(deployment)?.resources?.limits?.['cpu'],
      ]);
    }
  });

  it('probes /readyz and /healthz, binds 0.0.0.0, and drains within the grace period', () => {
    const grace = Math.ceil(SHUTDOWN_TIMEOUT_MS / 1000) + TERMINATION_MARGIN_S;
    for (const model of MODELS) {
      const deployment = deployments.get(model.app);
      const container = containerOf(deployment);
      expect([
        model.app,
        container?.readinessProbe?.httpGet?.path,
        container?.livenessProbe?.httpGet?.path,
      ]).toEqual([model.app, '/readyz', '/healthz']);
      const env = envOf(deployment);
      expect([model.app, env['HOST'], env['SHUTDOWN_TIMEOUT_MS']]).toEqual([
        model.app,
        '0.0.0.0',
        String(SHUTDOWN_TIMEOUT_MS),
      ]);
      expect([model.app, deployment?.spec?.template.spec?.terminationGracePeriodSeconds]).toEqual([
        model.app,
        grace,
      ]);
    }
    expect(grace * 1000).toBeGreaterThan(SHUTDOWN_TIMEOUT_MS);
  });

  it('every http://<name>:<port> an object points at is a Service of the namespace on that port', () => {
    const urls = JSON.stringify(objects).match(/http:\/\/[a-z][-a-z0-9]*:\d+/g) ?? [];
    expect(urls.length).toBeGreaterThan(MODELS.length * 2);
    const unserved = [...new Set(urls)].filter((url) => {
      const [, name, port] = /^http:\/\/([^:]+):(\d+)$/.exec(url) ?? [];
      return !services.get(name ?? '')?.spec?.ports?.some((p) => p.port === Number(port));
    });
    expect(unserved).toEqual([]);
    const env = envOf(deployments.get(MODELS[0].app));
    expect([env['UPSTREAM_URL'], env['OTEL_EXPORTER_OTLP_ENDPOINT']]).toEqual([
      `http://${UPSTREAM.app}:${UPSTREAM.port}`,
      'http://otel-collector:4318',
    ]);
  });
});

describe('the manifests and docker-compose.yml run the same images and settings', () => {
  it('each model and the upstream: the image compose builds', () => {
    for (const { app } of registry) {
      expect([app, containerOf(deployments.get(app))?.image]).toEqual([
        app,
        compose.services[app]?.image,
      ]);
    }
  });

  it('each model and the upstream: the settings the lab measures with, as compose sets them', () => {
    const { environments } = readSources(root);
    // The premise: scenarios.json lifts the pending-work bound and sets the site's latency.
    expect(environments.models).toMatchObject({ MAX_QUEUE: expect.any(String) });
    expect(environments.upstream).toMatchObject({ UPSTREAM_LATENCY_MS: expect.any(String) });
    for (const { app } of MODELS) {
      expect([app, envOf(deployments.get(app))]).toEqual([
        app,
        expect.objectContaining(environments.models),
      ]);
      expect([app, compose.services[app]?.environment]).toEqual([
        app,
        expect.objectContaining(environments.models),
      ]);
    }
    expect(envOf(deployments.get(UPSTREAM.app))).toMatchObject(environments.upstream);
    expect(compose.services[UPSTREAM.app]?.environment).toMatchObject(environments.upstream);
  });

  it('each model: every setting compose gives it, the manifests give it too (but the addresses)', () => {
    // Compose and the cluster name the upstream and the collector by their own hostnames, and a
    // pod listens on every interface without being told; every other setting is the model's.
    const addresses = new Set(['HOST', 'UPSTREAM_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    for (const { app } of MODELS) {
      const composed = Object.entries(compose.services[app]?.environment ?? {}).filter(
        ([name]) => !addresses.has(name),
      );
      expect(composed.length).toBeGreaterThan(0);
      const env = envOf(deployments.get(app));
      expect([app, composed.filter(([name, value]) => env[name] !== value)]).toEqual([app, []]);
    }
  });

  it('k6, Jaeger and the collector’s base image; k6 pushes with compose’s settings', () => {
    expect(K6_IMAGE).toBe(compose.services['k6']?.image);
    expect(JAEGER_IMAGE).toBe(compose.services['jaeger']?.image);
    const dockerfile = readFileSync(
      join(root, 'observability', 'otel-collector', 'Dockerfile'),
      'utf8',
    );
    expect(dockerfile).toMatch(new RegExp(`^FROM ${COLLECTOR_IMAGE.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(compose.services['k6']?.environment).toMatchObject(K6_REMOTE_WRITE_ENV);
    // Stale markers at the end of each run, in both (k6 v1.0.0 defaults them off).
    expect(K6_REMOTE_WRITE_ENV).toMatchObject({ K6_PROMETHEUS_RW_STALE_MARKERS: 'true' });
  });
});
