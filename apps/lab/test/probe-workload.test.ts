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
  it.each([
    {
      what: 'a module with run, inputs and describe',
      file: 'good.mjs',
      described: 'sum of squares of a small array',
      inputs: 2,
    },
    {
      what: 'a CommonJS module with an async run and no inputs (one input: undefined)',
      file: 'good-commonjs.cjs',
      described: 'good-commonjs.cjs',
      inputs: 1,
    },
  ])('accepts $what, and reports what it found', async ({ file, described, inputs }) => {
    const probe = await probeWorkload(fixture(file));
    expect(probe).toMatchObject({ path: fixture(file), describe: described, inputs });
    expect(probe.probeMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    { what: 'a file that does not exist', file: 'missing.mjs', code: 'ERR_LAB_WORKLOAD_NOT_FOUND' },
    {
      what: 'a module that throws while loading',
      file: 'fails-to-load.mjs',
      code: 'ERR_LAB_WORKLOAD_LOAD_FAILED',
    },
    { what: 'a missing `run` export', file: 'no-run.mjs', code: 'ERR_LAB_WORKLOAD_NO_RUN' },
    { what: 'an empty inputs()', file: 'bad-inputs.mjs', code: 'ERR_LAB_WORKLOAD_BAD_INPUTS' },
    {
      what: 'an inputs() rejecting with no Error',
      file: 'inputs-reject.mjs',
      code: 'ERR_LAB_WORKLOAD_BAD_INPUTS',
    },
    { what: 'a run that throws', file: 'throws.mjs', code: 'ERR_LAB_WORKLOAD_THREW' },
    {
      what: 'a run that returns a function',
      file: 'returns-function.mjs',
      code: 'ERR_LAB_WORKLOAD_NOT_CLONABLE',
    },
    {
      what: 'a run that returns a circular object',
      file: 'returns-circular.mjs',
      code: 'ERR_LAB_WORKLOAD_NOT_CLONABLE',
    },
    {
      what: 'a run that never returns (a sync loop)',
      file: 'never-returns.mjs',
      code: 'ERR_LAB_WORKLOAD_TIMEOUT',
    },
    {
      what: 'a run whose promise never settles',
      file: 'never-settles.mjs',
      code: 'ERR_LAB_WORKLOAD_TIMEOUT',
    },
  ])('refuses $what ($file) with $code', async ({ file, code }) => {
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
