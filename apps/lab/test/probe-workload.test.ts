import { tempFolder } from '@concurrency-lab/launcher/testing';
import { loadCustomWorkload, MAX_WORKLOAD_INPUTS } from '@concurrency-lab/workloads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeWorkload } from '../src/workload/probe-workload';

const fixture = (name: string) => join(__dirname, 'fixtures', 'workloads', name);

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
    ['an inputs() rejecting with no Error', 'inputs-reject.mjs', 'ERR_LAB_WORKLOAD_BAD_INPUTS'],
    ['a run that throws', 'throws.mjs', 'ERR_LAB_WORKLOAD_THREW'],
    ['a run that returns a function', 'returns-function.mjs', 'ERR_LAB_WORKLOAD_NOT_CLONABLE'],
    ['a run that never returns (a sync loop)', 'never-returns.mjs', 'ERR_LAB_WORKLOAD_TIMEOUT'],
    ['a run whose promise never settles', 'never-settles.mjs', 'ERR_LAB_WORKLOAD_TIMEOUT'],
  ])('refuses %s with %s', async (_what, file, code) => {
    await expect(probeWorkload(fixture(file), { timeoutMs: 1500 })).rejects.toMatchObject({ code });
  });
});

describe('probeWorkload: the bound on inputs is the services’ own', () => {
  const folder = tempFolder('lab-probe-');
  /** A module answering `n` inputs. */
  const withInputs = (n: number) => {
    // CommonJS: loadCustomWorkload's import() runs in-process here, where jest requires.
    const path = join(folder, `inputs-${n}.cjs`);
    writeFileSync(
      path,
      `exports.inputs = () => Array.from({ length: ${n} }, (_, i) => i);\n` +
        'exports.run = (input) => input;\n',
    );
    return path;
  };

  it('accepts as many inputs as a service loads, and refuses one more where a service would', async () => {
    const most = withInputs(MAX_WORKLOAD_INPUTS);
    await expect(probeWorkload(most)).resolves.toMatchObject({ inputs: MAX_WORKLOAD_INPUTS });
    await expect(loadCustomWorkload(most)).resolves.toMatchObject({
      inputs: { length: MAX_WORKLOAD_INPUTS },
    });
    const tooMany = withInputs(MAX_WORKLOAD_INPUTS + 1);
    await expect(probeWorkload(tooMany)).rejects.toMatchObject({
      code: 'ERR_LAB_WORKLOAD_BAD_INPUTS',
    });
    await expect(loadCustomWorkload(tooMany)).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
    });
  });
});
