import { ManifestError, type ManifestProblem } from './errors';
import { modelClasses, objectName, type Manifest } from './k8s-models';
import { objectProblems } from './object-checks';
import type { TestRun } from './test-run';
import { testRunProblems } from './test-run-schema';

/** What `validate()` of kubernetes-models throws: ajv's ValidationError (no `code`, no name). */
interface AjvValidationError {
  validation: true;
  errors: { instancePath: string; keyword: string }[];
}

function isAjvValidationError(error: unknown): error is AjvValidationError {
  const e = error as Partial<AjvValidationError> | null;
  return e?.validation === true && Array.isArray(e.errors);
}

/** The object as it will be written: the model instance's JSON (or the TestRun as is). */
export async function toJson(manifest: Manifest): Promise<Record<string, unknown>> {
  if (manifest.kind === 'TestRun')
    return structuredClone(manifest) as unknown as Record<string, unknown>;
  const Model = (await modelClasses())[manifest.kind];
  if (!Model)
    throw new ManifestError([
      { object: objectName(manifest), path: '/kind', rule: 'unknown-kind' },
    ]);
  return new Model(manifest as never).toJSON() as Record<string, unknown>;
}

/**
 * Every problem of `manifest`: its schema — kubernetes-models' `validate()` (the published
 * OpenAPI schema of its kind, precompiled, offline), or ours for a TestRun — then our checks.
 */
export async function manifestProblems(manifest: Manifest): Promise<ManifestProblem[]> {
  const object = objectName(manifest);
  if (manifest.kind === 'TestRun')
    return [...(await testRunProblems(manifest as TestRun)), ...objectProblems(manifest)];
  const Model = (await modelClasses())[manifest.kind];
  if (!Model) return [{ object, path: '/kind', rule: 'unknown-kind' }];
  const found: ManifestProblem[] = [];
  const instance = new Model(manifest as never);
  try {
    instance.validate();
  } catch (error) {
    if (!isAjvValidationError(error)) throw error;
    found.push(...error.errors.map((e) => ({ object, path: e.instancePath, rule: e.keyword })));
  }
  const json = JSON.parse(JSON.stringify(instance.toJSON())) as Manifest;
  return [...found, ...objectProblems(json)];
}

/** Throws ManifestError listing every problem of every manifest, if there is any. */
export async function assertValid(manifests: readonly Manifest[]): Promise<void> {
  const problems = (await Promise.all(manifests.map(manifestProblems))).flat();
  if (problems.length > 0) throw new ManifestError(problems);
}
