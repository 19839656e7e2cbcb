/**
 * Offline validation, since no cluster runs here: every generated object passes its schema
 * (kubernetes-models' `validate()`, our TestRun schema) and our own checks — and each kind of
 * broken object is refused, including the ones `validate()` alone lets through.
 */
import { modelClasses, type Manifest } from '../src/k8s-models';
import { assertValid, manifestProblems } from '../src/validate-manifests';
import { synthesized } from './support/synthesized';

let manifests: Manifest[] = [];

beforeAll(async () => {
  manifests = (await synthesized()).files.flatMap((f) => f.manifests);
});

type Path = readonly (string | number)[];

/**
 * A deep copy of the generated object of `kind` (and `name`) with `changes` made on purpose:
 * each sets the value at a path, or deletes it when the value is `undefined`.
 */
function broken(kind: string, changes: [Path, unknown][], name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (!name || m.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} was generated`);
  const copy = structuredClone(found);
  for (const [path, value] of changes) {
    const parent = path
      .slice(0, -1)
      .reduce<Record<string | number, unknown>>(
        (o, k) => o[k] as Record<string | number, unknown>,
        copy as never,
      );
    const last = path.at(-1) as string | number;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return copy;
}

/** kubernetes-models' own verdict: throws on a schema error, passes anything else. */
async function passesValidate(manifest: Manifest): Promise<boolean> {
  const Model = (await modelClasses())[manifest.kind];
  if (!Model) throw new Error(`no model class for ${manifest.kind}`);
  new Model(manifest as never).validate();
  return true;
}

const problemsOf = async (manifest: Manifest) =>
  (await manifestProblems(manifest)).map(({ path, rule }) => ({ path, rule }));

describe('every generated object', () => {
  it('passes its schema and our checks, each kind present', async () => {
    expect([...new Set(manifests.map((m) => m.kind))].sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Namespace',
      'Service',
      'ServiceMonitor',
      'TestRun',
    ]);
    const problems = (await Promise.all(manifests.map(manifestProblems))).flat();
    expect(problems).toEqual([]);
    await expect(assertValid(manifests)).resolves.toBeUndefined();
  });
});

describe('negative controls: a broken object is refused', () => {
  const CONTAINER = ['spec', 'template', 'spec', 'containers', 0];

  it('by kubernetes-models’ schema: wrong types, a missing field, a bad duration', async () => {
    expect(await problemsOf(broken('Deployment', [[['spec', 'replicas'], 'one']]))).toEqual([
      { path: '/spec/replicas', rule: 'type' },
    ]);
    expect(await problemsOf(broken('Service', [[['spec', 'ports', 0, 'port'], '80']]))).toEqual([
      { path: '/spec/ports/0/port', rule: 'type' },
    ]);
    const monitor = broken('ServiceMonitor', [
      [['spec', 'selector'], undefined],
      [['spec', 'endpoints', 0, 'interval'], 'five'],
    ]);
    expect(await problemsOf(monitor)).toEqual(
      expect.arrayContaining([
        { path: '/spec', rule: 'required' },
        { path: '/spec/endpoints/0/interval', rule: 'pattern' },
      ]),
    );
  });

  it('by our checks, where validate() passes: names, label values, ConfigMap keys, paths', async () => {
    const deployment = broken('Deployment', [
      [['metadata', 'name'], 'Bad_Name'],
      [['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/name'], 'x'.repeat(64)],
    ]);
    expect(await problemsOf(deployment)).toEqual([
      { path: '/metadata/name', rule: 'rfc1123-subdomain' },
      { path: '/spec/template/metadata/labels/app.kubernetes.io/name', rule: 'label-value' },
    ]);
    const service = broken('Service', [
      [['metadata', 'name'], '1st-service'],
      [['spec', 'ports', 0, 'name'], 'a-very-long-port-name'],
    ]);
    expect(await problemsOf(service)).toEqual([
      { path: '/metadata/name', rule: 'rfc1035-label' },
      { path: '/spec/ports/0/name', rule: 'iana-svc-name' },
    ]);
    const configMap = broken(
      'ConfigMap',
      [[['data', 'k6/lib/plan.ts'], 'export {};']],
      'k6-scripts',
    );
    expect(await problemsOf(configMap)).toEqual([
      { path: '/data/k6/lib/plan.ts', rule: 'configmap-key' },
    ]);
    for (const manifest of [deployment, service, configMap])
      expect(await passesValidate(manifest)).toBe(true);
    const item = ['spec', 'runner', 'volumes', 0, 'configMap', 'items', 0, 'path'];
    expect(await problemsOf(broken('TestRun', [[item, '../etc/passwd']]))).toEqual([
      { path: '/spec/runner/volumes/0/configMap/items/0/path', rule: 'relative-path' },
    ]);
  });

  const VOLUME = ['spec', 'runner', 'volumes', 0];
  // One field of a generated object broken, and exactly the problems it must raise: the rules of
  // object-checks.ts (what validate() lets through), of our TestRun schema, and of the
  // Kubernetes types test-run-schema.ts checks inside a runner. Each row fails if its rule is
  // dropped: the rest of the object is the generated one, which has no problem at all.
  it.each<
    [string, string, string | undefined, [Path, unknown][], { path: string; rule: string }[]]
  >([
    [
      'a namespace that is no RFC 1123 label',
      'Deployment',
      undefined,
      [[['metadata', 'namespace'], 'Bad_NS']],
      [{ path: '/metadata/namespace', rule: 'rfc1123-label' }],
    ],
    [
      'a name longer than a subdomain’s 253 characters',
      'Deployment',
      undefined,
      [[['metadata', 'name'], 'a'.repeat(254)]],
      [{ path: '/metadata/name', rule: 'rfc1123-subdomain' }],
    ],
    [
      'a label key whose prefix is no DNS subdomain',
      'Deployment',
      undefined,
      [[['metadata', 'labels', 'Bad_Prefix/name'], 'x']],
      [{ path: '/metadata/labels/Bad_Prefix/name', rule: 'label-key' }],
    ],
    [
      'a Service selector value longer than 63 characters',
      'Service',
      undefined,
      [[['spec', 'selector', 'app.kubernetes.io/name'], 'x'.repeat(64)]],
      [{ path: '/spec/selector/app.kubernetes.io/name', rule: 'label-value' }],
    ],
    [
      'a container name that is no RFC 1123 label',
      'Deployment',
      undefined,
      [[[...CONTAINER, 'name'], 'Web_1']],
      [{ path: '/spec/template/spec/containers/0/name', rule: 'rfc1123-label' }],
    ],
    [
      'a runner volume name that is no RFC 1123 label',
      'TestRun',
      undefined,
      [[[...VOLUME, 'name'], 'K6_Scripts']],
      [{ path: '/spec/runner/volumes/0/name', rule: 'rfc1123-label' }],
    ],
    [
      'an absolute volume item path',
      'TestRun',
      undefined,
      [[[...VOLUME, 'configMap', 'items', 0, 'path'], '/etc/passwd']],
      [{ path: '/spec/runner/volumes/0/configMap/items/0/path', rule: 'relative-path' }],
    ],
    [
      'a ConfigMap over the 1 MiB the API server stores',
      'ConfigMap',
      'k6-scripts',
      [[['data', 'big.ts'], 'x'.repeat(1_100_000)]],
      [{ path: '/data', rule: 'configmap-size' }],
    ],
    [
      'a TestRun cleanup other than `post`',
      'TestRun',
      undefined,
      [[['spec', 'cleanup'], 'never']],
      [{ path: '/spec/cleanup', rule: 'enum' }],
    ],
    [
      'a TestRun script path that is not absolute',
      'TestRun',
      undefined,
      [[['spec', 'script', 'localFile'], 'scripts/k6/cpu.ts']],
      [{ path: '/spec/script/localFile', rule: 'pattern' }],
    ],
    [
      'a runner memory limit that is no quantity (ResourceRequirements inside a TestRun)',
      'TestRun',
      undefined,
      [[['spec', 'runner', 'resources', 'limits', 'memory'], 'lots']],
      // A Quantity is oneOf a number or a string of format `quantity`: 'lots' is neither.
      ['type', 'format', 'oneOf'].map((rule) => ({
        path: '/spec/runner/resources/limits/memory',
        rule,
      })),
    ],
  ])('one field broken, its exact problems: %s', async (_, kind, name, changes, problems) => {
    expect(await problemsOf(broken(kind, changes, name))).toEqual(problems);
  });

  it('by our expected fields: a misspelt field that every schema lets through', async () => {
    const deployment = broken('Deployment', [
      [[...CONTAINER, 'imag'], 'typo'],
      [['spec', 'replica'], 2],
    ]);
    expect(await problemsOf(deployment)).toEqual([
      { path: '/spec/template/spec/containers/0/imag', rule: 'unknown-field' },
      { path: '/spec/replica', rule: 'unknown-field' },
    ]);
    expect(await passesValidate(deployment)).toBe(true);
  });

  it('by our TestRun schema and the Kubernetes types inside it', async () => {
    expect(await problemsOf(broken('TestRun', [[['spec', 'script'], undefined]]))).toEqual([
      { path: '/spec', rule: 'required' },
    ]);
    expect(await problemsOf(broken('TestRun', [[['spec', 'paralelism'], 2]]))).toEqual(
      expect.arrayContaining([{ path: '/spec', rule: 'additionalProperties' }]),
    );
    const unsafe = broken('TestRun', [
      [['spec', 'arguments'], '--tag model=async ; rm -rf /'],
      [['spec', 'runner', 'image'], 'grafana/k6:latest'],
      [['spec', 'parallelism'], 0],
    ]);
    expect(await problemsOf(unsafe)).toEqual(
      expect.arrayContaining([
        { path: '/spec/parallelism', rule: 'minimum' },
        { path: '/spec/arguments', rule: 'pattern' },
        { path: '/spec/runner/image', rule: 'not' },
      ]),
    );
    const badTypes = broken('TestRun', [
      [['spec', 'runner', 'volumes', 0, 'configMap', 'name'], 3],
      [['spec', 'runner', 'env', 0, 'value'], 42],
    ]);
    expect(await problemsOf(badTypes)).toEqual([
      { path: '/spec/runner/env/0/value', rule: 'type' },
      { path: '/spec/runner/volumes/0/configMap/name', rule: 'type' },
    ]);
  });

  it('assertValid refuses the lot with ERR_DEPLOY_MANIFEST and every problem listed', async () => {
    const bad = broken('Deployment', [[['metadata', 'name'], 'Bad_Name']]);
    await expect(assertValid([...manifests, bad])).rejects.toMatchObject({
      code: 'ERR_DEPLOY_MANIFEST',
      problems: [
        { object: 'Deployment/Bad_Name', path: '/metadata/name', rule: 'rfc1123-subdomain' },
      ],
    });
  });
});
