/**
 * The k6-operator's `TestRun` (k6.io/v1alpha1), as far as this project writes it. No npm package
 * models this CRD, so the type is declared here from its Go source of truth —
 * grafana/k6-operator `api/v1alpha1/testrun_types.go` (TestRunSpec, K6Script, Pod) at commit
 * e2c9571ac480ad7ca8ed019062ff67847d76724e (= release v1.6.0's CRD) — and validated by our own
 * schema (test-run-schema.ts). Fields the CRD has and we do not use are left out on purpose.
 */
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';

export interface TestRun {
  apiVersion: 'k6.io/v1alpha1';
  kind: 'TestRun';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: TestRunSpec;
}

export interface TestRunSpec {
  /** Number of runner Jobs; k6 splits the test between them (execution segments). Required. */
  parallelism: number;
  /** Where the script is. Required. `localFile`: a path inside the runner pod. */
  script: { localFile: string };
  /**
   * Flags for `k6 run`, one space-separated string. The operator splits it on whitespace,
   * refuses positional words, and runs the command through `sh -c` (with a localFile script):
   * keep values free of spaces and shell characters. (`args`, an argv list, needs operator ≥
   * v1.6.0; `arguments` works on every release.)
   */
  arguments: string;
  /** `post`: the operator deletes the TestRun (and its Jobs) once it finished or failed. */
  cleanup?: 'post';
  /** The runner pods; the initializer pod inherits this when `initializer` is unset. */
  runner: TestRunPod;
}

export interface TestRunPod {
  /** The k6 image; the operator's default is `grafana/k6:latest`, so pin it. */
  image: string;
  /** Also passed to the initializer's `k6 archive`/`k6 inspect` as `-e NAME=value`. */
  env: IEnvVar[];
  resources: IResourceRequirements;
  volumes: IVolume[];
  volumeMounts: IVolumeMount[];
  metadata: { labels: Record<string, string> };
}
