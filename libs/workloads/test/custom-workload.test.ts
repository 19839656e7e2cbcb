import { join } from 'node:path';
import { configuredWorkload, loadCustomWorkload, runCpuTask, WORKLOAD_ENV } from '../src/index';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

describe('a custom workload module', () => {
  it('loads run, inputs and the first line of describe', async () => {
    const workload = await loadCustomWorkload(fixture('sum-workload.cjs'));
    expect(workload).toMatchObject({
      path: fixture('sum-workload.cjs'),
      describe: 'sums an array',
      inputs: [
        [1, 2],
        [3, 4, 5],
      ],
    });
    await expect(workload.run([3, 4, 5])).resolves.toBe(12);
  });

  it.each([
    ['a relative path', 'sum-workload.cjs', 'path'],
    ['a missing file', fixture('missing.mjs'), 'not-found'],
    ['a module without run', fixture('no-run-workload.cjs'), 'no-run'],
    ['inputs() rejecting with no Error', fixture('inputs-reject-workload.cjs'), 'inputs'],
    ['describe() throwing null', fixture('describe-throws-workload.cjs'), 'load'],
  ])('refuses %s with ERR_WORKLOAD_MODULE, naming the check (%s)', async (_what, path, problem) => {
    await expect(loadCustomWorkload(path)).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem,
    });
  });

  it('gives up on an inputs() that never settles (ERR_WORKLOAD_MODULE), instead of waiting forever', async () => {
    await expect(
      loadCustomWorkload(fixture('inputs-never-workload.cjs'), { timeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'inputs',
      message: expect.stringMatching(/did not settle within 0.05 s/) as string,
    });
  });

  it('is refused when LAB_WORKLOAD is not set: nothing loads code but the operator', async () => {
    await expect(configuredWorkload({})).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'unset',
    });
  });
});

describe("runCpuTask({ kind: 'custom' })", () => {
  const saved = process.env[WORKLOAD_ENV];
  beforeAll(() => (process.env[WORKLOAD_ENV] = fixture('sum-workload.cjs')));
  afterAll(() => {
    if (saved === undefined) delete process.env[WORKLOAD_ENV];
    else process.env[WORKLOAD_ENV] = saved;
  });

  it('runs the configured workload on the input and answers a promise', async () => {
    const answer = runCpuTask({ kind: 'custom', input: [1, 2, 3] });
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(6);
  });

  it('turns a throw of run into ERR_WORKLOAD_RUN_FAILED, keeping the cause', async () => {
    const failure = await Promise.resolve(runCpuTask({ kind: 'custom', input: 'boom' })).catch(
      (error: unknown) => error as { code: string; cause: unknown },
    );
    expect(failure).toMatchObject({ code: 'ERR_WORKLOAD_RUN_FAILED' });
    expect((failure as { cause: Error }).cause).toBeInstanceOf(TypeError);
  });

  it.each(['null', 'undefined', 'bare'])(
    'turns a throw of %s (no Error) into ERR_WORKLOAD_RUN_FAILED too',
    async (input) => {
      const failure = await Promise.resolve(runCpuTask({ kind: 'custom', input })).catch(
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ code: 'ERR_WORKLOAD_RUN_FAILED' });
    },
  );
});
