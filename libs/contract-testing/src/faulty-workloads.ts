import { join } from 'node:path';

/**
 * Operator workloads (`LAB_WORKLOAD`) that misbehave as no service can prevent: the way tests
 * raise a fault in a real service without a fault switch in the service itself.
 */
export const FAULTY_WORKLOADS = {
  /** A timer it scheduled throws `ERR_FIXTURE_UNCAUGHT` 50 ms after it answered. */
  uncaughtException: 'throws-later.mjs',
  /** A promise rejected with `ERR_FIXTURE_REJECTED` 50 ms after it answered, never handled. */
  unhandledRejection: 'rejects-later.mjs',
  /**
   * Its inputs `function`, `circular`, `7` (`?i=0..2`): a function (cannot cross back from a
   * pool), a circular object (JSON cannot carry it), and 7, which every model answers.
   */
  unanswerable: 'unanswerable.cjs',
} as const;

/** The absolute path of a faulty workload, for `LAB_WORKLOAD`. */
export function faultyWorkload(kind: keyof typeof FAULTY_WORKLOADS): string {
  // src/ in tests, dist/ when built: the fixtures sit beside either, one folder up.
  return join(__dirname, '..', 'fixtures', FAULTY_WORKLOADS[kind]);
}
