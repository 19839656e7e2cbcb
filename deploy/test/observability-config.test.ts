/**
 * The collector and the dashboards run from the repository's own files: the collector's
 * ConfigMap is observability/otel-collector/config.yaml with only its health endpoint opened to
 * the pod's IP (kubelet probes it there), and the dashboards ConfigMap holds the committed JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { IConfigMap, IDeployment } from '../src/k8s-models';
import { collectorConfigForPod } from '../src/tracing-services';
import { byKind, filesUnder, root, synthesized } from './support/synthesized';

const configFile = readFileSync(
  join(root, 'observability', 'otel-collector', 'config.yaml'),
  'utf8',
);

describe('the OTel collector and the Grafana dashboards', () => {
  it('the collector config is the file, but for extensions.health_check.endpoint', async () => {
    const { objects } = await synthesized();
    const config =
      byKind<IConfigMap>(objects, 'ConfigMap').get('otel-collector')?.data?.['config.yaml'] ?? '';
    expect(config).toBe(configFile.replace('endpoint: 127.0.0.1:13133', 'endpoint: 0.0.0.0:13133'));
    const inPod = parse(config) as { extensions: { health_check: { endpoint: string } } };
    expect(inPod.extensions.health_check.endpoint).toBe('0.0.0.0:13133');
    const collector = byKind<IDeployment>(objects, 'Deployment').get('otel-collector');
    const ports = collector?.spec?.template.spec?.containers[0]?.ports?.map((p) => p.containerPort);
    expect(ports).toEqual([4317, 4318, 13133]);
  });

  it('refuses a collector config whose health endpoint is not the loopback it expects', () => {
    expect(() => collectorConfigForPod('extensions:\n  health_check: {}\n')).toThrow(
      expect.objectContaining({ code: 'ERR_DEPLOY_SOURCE' }),
    );
  });

  it('the dashboards ConfigMap holds the committed dashboards, labelled for Grafana’s sidecar', async () => {
    const { objects } = await synthesized();
    const dashboards = byKind<IConfigMap>(objects, 'ConfigMap').get('concurrency-lab-dashboards');
    expect(dashboards?.metadata?.labels?.['grafana_dashboard']).toBe('1');
    const committed = filesUnder(join(root, 'observability', 'grafana', 'dashboards'));
    expect(Object.keys(committed)).toEqual(['concurrency-models.json', 'k6-results.json']);
    expect(dashboards?.data).toEqual(committed);
  });
});
