import { tempFolder } from '@concurrency-lab/launcher/testing';
import {
  checkCustomResult,
  loadCustomWorkload,
  MAX_WORKLOAD_INPUTS,
} from '@concurrency-lab/workloads';
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
    [
      'a run that returns a circular object',
      'returns-circular.mjs',
      'ERR_LAB_WORKLOAD_NOT_CLONABLE',
    ],
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

describe('probeWorkload: the check of an answer is the services’ own', () => {
  const folder = tempFolder('lab-probe-answer-');
  /** A CommonJS module whose run answers what `body` returns (jest requires it in-process). */
  const answering = (name: string, body: string) => {
    const path = join(folder, `${name}.cjs`);
    writeFileSync(path, `exports.run = () => { ${body} };\n`);
    return path;
  };
  /** What a service makes of the module's answer: its loader, then checkCustomResult. */
  const serviceAnswer = async (path: string) => {
    const workload = await loadCustomWorkload(path);
    return checkCustomResult(await workload.run(workload.inputs[0]));
  };

  it.each([
    ['a circular object (clonable, but no JSON)', 'const o = {}; o.self = o; return o;'],
    ['a function', 'return () => 1;'],
  ])('refuses %s, as a service refuses every request with it', async (_what, body) => {
    const path = answering(_what.split(' ')[1] ?? 'x', body);
    await expect(serviceAnswer(path)).rejects.toMatchObject({ code: 'ERR_WORKLOAD_RUN_FAILED' });
    await expect(probeWorkload(path)).rejects.toMatchObject({
      code: 'ERR_LAB_WORKLOAD_NOT_CLONABLE',
      message: expect.stringContaining('can cross threads and processes and be JSON'),
    });
  });

  it('accepts what a service answers with (the control)', async () => {
    const path = answering('plain', 'return { sum: 3n, seen: new Set([1]) };');
    await expect(serviceAnswer(path)).resolves.toBeDefined();
    await expect(probeWorkload(path)).resolves.toMatchObject({ inputs: 1 });
  });
});
