import { join } from 'node:path';
import { probeWorkload } from '../src/workload/probe-workload';

const fixture = (name: string) => join(__dirname, 'fixtures', 'workloads', name);

/** The probe's rejection, for asserting its code (tests assert codes, never messages). */
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

describe('probeWorkload: checked before anything starts', () => {
  it('accepts a module with run, inputs and describe, and reports what it found', async () => {
    const probe = await probeWorkload(fixture('good.mjs'));
    expect(probe).toMatchObject({
      path: fixture('good.mjs'),
      describe: 'sum of squares of a small array',
      inputs: 2,
    });
    expect(probe.probeMs).toBeGreaterThanOrEqual(0);
  });

  it('accepts a CommonJS module with an async run and no inputs (one input: undefined)', async () => {
    await expect(probeWorkload(fixture('good-commonjs.cjs'))).resolves.toMatchObject({
      describe: 'good-commonjs.cjs',
      inputs: 1,
    });
  });

  it.each([
    ['a file that does not exist', 'missing.mjs', 'ERR_LAB_WORKLOAD_NOT_FOUND'],
    ['a module that throws while loading', 'fails-to-load.mjs', 'ERR_LAB_WORKLOAD_LOAD_FAILED'],
    ['a missing `run` export', 'no-run.mjs', 'ERR_LAB_WORKLOAD_NO_RUN'],
    ['an empty inputs()', 'bad-inputs.mjs', 'ERR_LAB_WORKLOAD_BAD_INPUTS'],
    ['a run that throws', 'throws.mjs', 'ERR_LAB_WORKLOAD_THREW'],
    ['a run that returns a function', 'returns-function.mjs', 'ERR_LAB_WORKLOAD_NOT_CLONABLE'],
    ['a run that never returns (a sync loop)', 'never-returns.mjs', 'ERR_LAB_WORKLOAD_TIMEOUT'],
    ['a run whose promise never settles', 'never-settles.mjs', 'ERR_LAB_WORKLOAD_TIMEOUT'],
  ])('refuses %s with %s', async (_what, file, code) => {
    expect(await codeOf(probeWorkload(fixture(file), { timeoutMs: 1500 }))).toBe(code);
  });
});
