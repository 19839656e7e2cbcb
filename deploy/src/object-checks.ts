/**
 * What the API server would refuse and the schemas do not check (kubernetes-models' `validate()`
 * passes `metadata.name: Bad_Name` and a ConfigMap key `lib/plan.ts`): names, label syntax,
 * ConfigMap keys and size, volume item paths — the rules of k8s.io/apimachinery
 * `pkg/util/validation` and the API docs, checked here offline — plus the fields we expect.
 */
import type { ManifestProblem } from './errors';
import type { Manifest } from './k8s-models';
import { objectName } from './k8s-models';
import { KNOWN_FIELDS, unexpectedFields } from './known-fields';

/** RFC 1123 label: most names, namespaces, container and volume names. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain: Deployment and ConfigMap names, label key prefixes (≤ 253). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 label: Service names (a DNS name, so a letter first). */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** IANA service name: container and Service port names (≤ 15, a letter somewhere). */
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
/** A label value, or the name part of a label key (≤ 63). */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** ConfigMap data keys. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** "A single ConfigMap has a character limit of 1048576 bytes". */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

function labelKeyOk(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  return prefixOk && name !== '' && LABEL_VALUE.test(name);
}

type Json = Record<string, unknown>;
const at = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** Every problem of our own rules in `manifest` (plain JSON, as it will be written). */
export function objectProblems(manifest: Manifest): ManifestProblem[] {
  const object = objectName(manifest);
  const found: ManifestProblem[] = [];
  const need = (ok: boolean, path: string, rule: string) => {
    if (!ok) found.push({ object, path, rule });
  };
  const json = manifest as unknown as Json;
  const name = String(at(json, 'metadata', 'name') ?? '');
  if (manifest.kind === 'Service')
    need(DNS1035_LABEL.test(name), '/metadata/name', 'rfc1035-label');
  else if (manifest.kind === 'Namespace' || manifest.kind === 'TestRun')
    need(DNS1123_LABEL.test(name), '/metadata/name', 'rfc1123-label');
  else
    need(name.length <= 253 && DNS1123_SUBDOMAIN.test(name), '/metadata/name', 'rfc1123-subdomain');
  const namespace = at(json, 'metadata', 'namespace');
  if (manifest.kind !== 'Namespace')
    need(
      typeof namespace === 'string' && DNS1123_LABEL.test(namespace),
      '/metadata/namespace',
      'rfc1123-label',
    );

  const labelMaps: [string, unknown][] = [
    ['/metadata/labels', at(json, 'metadata', 'labels')],
    ['/spec/selector/matchLabels', at(json, 'spec', 'selector', 'matchLabels')],
    ['/spec/template/metadata/labels', at(json, 'spec', 'template', 'metadata', 'labels')],
    ['/spec/runner/metadata/labels', at(json, 'spec', 'runner', 'metadata', 'labels')],
  ];
  if (manifest.kind === 'Service') labelMaps.push(['/spec/selector', at(json, 'spec', 'selector')]);
  for (const [path, labels] of labelMaps) {
    for (const [key, value] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
      need(labelKeyOk(key), `${path}/${key}`, 'label-key');
      need(typeof value === 'string' && LABEL_VALUE.test(value), `${path}/${key}`, 'label-value');
    }
  }

  const pod = at(json, 'spec', 'template', 'spec');
  list(at(pod, 'containers')).forEach((container, c) => {
    const base = `/spec/template/spec/containers/${c}`;
    need(DNS1123_LABEL.test(String(container['name'])), `${base}/name`, 'rfc1123-label');
    list(container['ports']).forEach((port, p) =>
      need(IANA_SVC_NAME.test(String(port['name'])), `${base}/ports/${p}/name`, 'iana-svc-name'),
    );
  });
  if (manifest.kind === 'Service')
    list(at(json, 'spec', 'ports')).forEach((port, p) =>
      need(IANA_SVC_NAME.test(String(port['name'])), `/spec/ports/${p}/name`, 'iana-svc-name'),
    );

  const volumes: [string, unknown][] = [
    ['/spec/template/spec/volumes', at(pod, 'volumes')],
    ['/spec/runner/volumes', at(json, 'spec', 'runner', 'volumes')],
  ];
  for (const [base, value] of volumes) {
    list(value).forEach((volume, v) => {
      need(DNS1123_LABEL.test(String(volume['name'])), `${base}/${v}/name`, 'rfc1123-label');
      list(at(volume, 'configMap', 'items')).forEach((item, i) => {
        const path = String(item['path']);
        const relativeOk = !path.startsWith('/') && !path.split('/').includes('..');
        need(relativeOk, `${base}/${v}/configMap/items/${i}/path`, 'relative-path');
      });
    });
  }

  if (manifest.kind === 'ConfigMap') {
    const data = (at(json, 'data') ?? {}) as Record<string, string>;
    for (const key of Object.keys(data))
      need(CONFIG_MAP_KEY.test(key), `/data/${key}`, 'configmap-key');
    const bytes = Object.entries(data).reduce(
      (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
      0,
    );
    need(bytes <= CONFIG_MAP_MAX_BYTES, '/data', 'configmap-size');
  }

  const shape = KNOWN_FIELDS[manifest.kind];
  if (!shape) found.push({ object, path: '/kind', rule: 'unknown-kind' });
  else
    for (const path of unexpectedFields(json, shape))
      found.push({ object, path, rule: 'unknown-field' });
  return found;
}
