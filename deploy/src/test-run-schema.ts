/**
 * Offline validation of our TestRuns. This JSON schema is our own, written for the fields
 * test-run.ts declares — it is NOT the CRD's openAPIV3Schema (grafana/k6-operator
 * config/crd/bases/k6.io_testruns.yaml, which this repository does not vendor). Where it differs,
 * it is stricter: unknown fields are refused (the CRD's structural schema would prune them
 * silently), `arguments` must be shell-safe flags (the operator runs it through `sh -c` and
 * refuses positional words), and the runner image must be pinned. The CRD's own rules we keep:
 * `parallelism` and `script` required, `parallelism` an int32, `cleanup` only `post`. The
 * Kubernetes types inside the runner (env, resources, volumes, mounts) are checked by
 * kubernetes-models' validators of those types. Validated with ajv.
 */
import Ajv, { type ErrorObject } from 'ajv';
import type { ManifestProblem } from './errors';
import type { TestRun } from './test-run';

const LABELS = { type: 'object', additionalProperties: { type: 'string' } };
const OBJECTS = { type: 'array', items: { type: 'object' } };
const SAFE_WORD = '[A-Za-z0-9_.:/=,@+-]+';

export const TEST_RUN_SCHEMA = {
  $id: 'concurrency-lab/deploy/test-run',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'k6.io/v1alpha1' },
    kind: { const: 'TestRun' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace'],
      properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: LABELS },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['parallelism', 'script', 'arguments', 'runner'],
      properties: {
        parallelism: { type: 'integer', minimum: 1, maximum: 2147483647 },
        script: {
          type: 'object',
          additionalProperties: false,
          required: ['localFile'],
          properties: { localFile: { type: 'string', pattern: '^/\\S+$' } },
        },
        arguments: { type: 'string', pattern: `^-${SAFE_WORD}( ${SAFE_WORD})*$` },
        cleanup: { enum: ['post'] },
        runner: {
          type: 'object',
          additionalProperties: false,
          required: ['image', 'env', 'resources', 'volumes', 'volumeMounts', 'metadata'],
          properties: {
            image: {
              type: 'string',
              pattern: '^\\S+:[\\w][\\w.-]*$',
              not: { pattern: ':latest$' },
            },
            env: OBJECTS,
            resources: { type: 'object' },
            volumes: OBJECTS,
            volumeMounts: OBJECTS,
            metadata: {
              type: 'object',
              additionalProperties: false,
              properties: { labels: LABELS },
            },
          },
        },
      },
    },
  },
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** One validator of kubernetes-models' precompiled set (`validate.errors` as ajv leaves it). */
type PrecompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

async function coreValidators(): Promise<Record<string, PrecompiledValidator>> {
  const [envVar, resources, volume, volumeMount] = await Promise.all([
    import('kubernetes-models/_schemas/IoK8sApiCoreV1EnvVar'),
    import('kubernetes-models/_schemas/IoK8sApiCoreV1ResourceRequirements'),
    import('kubernetes-models/_schemas/IoK8sApiCoreV1Volume'),
    import('kubernetes-models/_schemas/IoK8sApiCoreV1VolumeMount'),
  ]);
  return {
    env: envVar.validate,
    resources: resources.validate,
    volumes: volume.validate,
    volumeMounts: volumeMount.validate,
  };
}

function problems(object: string, base: string, errors: ErrorObject[] | null | undefined) {
  return (errors ?? []).map((e): ManifestProblem => ({
    object,
    path: `${base}${e.instancePath}`,
    rule: e.keyword,
  }));
}

/** Every way `testRun` breaks our schema or a Kubernetes type inside it; [] when valid. */
export async function testRunProblems(testRun: TestRun): Promise<ManifestProblem[]> {
  compiled ??= new Ajv({ allErrors: true }).compile(TEST_RUN_SCHEMA);
  const object = `TestRun/${String(testRun.metadata?.name)}`;
  if (!compiled(testRun)) return problems(object, '', compiled.errors);
  const found: ManifestProblem[] = [];
  const validators = await coreValidators();
  const runner = testRun.spec.runner as unknown as Record<string, unknown>;
  for (const [field, validate] of Object.entries(validators)) {
    const value = runner[field];
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      const at = Array.isArray(value) ? `/spec/runner/${field}/${i}` : `/spec/runner/${field}`;
      if (!validate(item)) found.push(...problems(object, at, validate.errors));
    });
  }
  return found;
}
