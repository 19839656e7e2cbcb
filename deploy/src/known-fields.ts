/**
 * The fields this project means to write, per kind — "our expectations". kubernetes-models'
 * schemas (and the CRDs') allow unknown fields, which the API server then prunes or rejects, so a
 * misspelt `imag:` or `replica:` would pass `validate()`; this refuses any field not listed.
 * A field worth writing is worth adding here.
 */

/** A leaf (string, number, boolean), a free-form string map, an object, or a list of one shape. */
export type Shape = 'leaf' | 'map' | { readonly [field: string]: Shape } | readonly [Shape];

const META: Shape = { name: 'leaf', namespace: 'leaf', labels: 'map', annotations: 'map' };
const TYPE = { apiVersion: 'leaf', kind: 'leaf' } as const;
const ENV: Shape = [{ name: 'leaf', value: 'leaf' }];
const RESOURCES: Shape = { requests: 'map', limits: 'map' };
const PROBE: Shape = {
  httpGet: { path: 'leaf', port: 'leaf' },
  periodSeconds: 'leaf',
  timeoutSeconds: 'leaf',
  failureThreshold: 'leaf',
};
const MOUNTS: Shape = [{ name: 'leaf', mountPath: 'leaf', readOnly: 'leaf' }];
const VOLUMES: Shape = [
  { name: 'leaf', configMap: { name: 'leaf', items: [{ key: 'leaf', path: 'leaf' }] } },
];
const CONTAINER: Shape = {
  name: 'leaf',
  image: 'leaf',
  imagePullPolicy: 'leaf',
  args: ['leaf'],
  ports: [{ name: 'leaf', containerPort: 'leaf', protocol: 'leaf' }],
  env: ENV,
  resources: RESOURCES,
  readinessProbe: PROBE,
  livenessProbe: PROBE,
  volumeMounts: MOUNTS,
  securityContext: {
    runAsNonRoot: 'leaf',
    runAsUser: 'leaf',
    allowPrivilegeEscalation: 'leaf',
    capabilities: { drop: ['leaf'] },
  },
};

export const KNOWN_FIELDS: Readonly<Record<string, Shape>> = {
  Namespace: { ...TYPE, metadata: META },
  Deployment: {
    ...TYPE,
    metadata: META,
    spec: {
      replicas: 'leaf',
      selector: { matchLabels: 'map' },
      template: {
        metadata: META,
        spec: {
          containers: [CONTAINER],
          volumes: VOLUMES,
          enableServiceLinks: 'leaf',
          shareProcessNamespace: 'leaf',
          terminationGracePeriodSeconds: 'leaf',
        },
      },
    },
  },
  Service: {
    ...TYPE,
    metadata: META,
    spec: {
      selector: 'map',
      ports: [{ name: 'leaf', port: 'leaf', targetPort: 'leaf', protocol: 'leaf' }],
    },
  },
  ConfigMap: { ...TYPE, metadata: META, data: 'map' },
  ServiceMonitor: {
    ...TYPE,
    metadata: META,
    spec: {
      selector: { matchLabels: 'map' },
      namespaceSelector: { matchNames: ['leaf'] },
      endpoints: [{ port: 'leaf', path: 'leaf', interval: 'leaf', scrapeTimeout: 'leaf' }],
    },
  },
  TestRun: {
    ...TYPE,
    metadata: META,
    spec: {
      parallelism: 'leaf',
      script: { localFile: 'leaf' },
      arguments: 'leaf',
      cleanup: 'leaf',
      runner: {
        image: 'leaf',
        env: ENV,
        resources: RESOURCES,
        volumes: VOLUMES,
        volumeMounts: MOUNTS,
        metadata: { labels: 'map' },
      },
    },
  },
};

/** JSON pointers of every value in `value` that `shape` does not expect. */
export function unexpectedFields(value: unknown, shape: Shape, path = ''): string[] {
  if (shape === 'leaf') return value !== null && typeof value === 'object' ? [path] : [];
  if (shape === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
    return Object.entries(value)
      .filter(([, v]) => typeof v !== 'string')
      .map(([k]) => `${path}/${k}`);
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [path];
    return value.flatMap((item, i) => unexpectedFields(item, shape[0] as Shape, `${path}/${i}`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
  const fields = shape as { readonly [field: string]: Shape };
  return Object.entries(value).flatMap(([key, v]) => {
    const expected = fields[key];
    return expected === undefined
      ? [`${path}/${key}`]
      : unexpectedFields(v, expected, `${path}/${key}`);
  });
}
