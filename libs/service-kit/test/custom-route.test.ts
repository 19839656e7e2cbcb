import { useEnv } from '@concurrency-lab/launcher/testing';
import { join } from 'node:path';
import { loadCustomWorkload, WORKLOAD_ENV, type CustomWorkload } from '@concurrency-lab/workloads';
import { expectProblem } from '@concurrency-lab/contract-testing';
import { serviceFixture, type Started } from './support/harness';

const FIXTURE = join(__dirname, 'fixtures', 'workload.cjs');

interface WorkAnswer {
  model: string;
  result: unknown;
}

describe('GET /work/custom, with a workload configured by the operator', () => {
  const services = serviceFixture({ per: 'describe' });
  let started: Started;
  let workload: CustomWorkload;
  // The runner loads the workload itself (in whatever thread runs CPU work) from the
  // environment, as a pool thread or process would.
  useEnv(WORKLOAD_ENV, FIXTURE);

  beforeAll(async () => {
    workload = await loadCustomWorkload(FIXTURE);
    started = await services.start({ workload, config: { workload: FIXTURE } });
  });

  const get = async (query = '') => {
    const response = await fetch(`${started.base}/work/custom${query}`);
    return { response, body: (await response.json()) as WorkAnswer };
  };

  it('runs the workload on the input `i` picks, in the contract’s work answer', async () => {
    const { response, body } = await get('?i=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('server-timing')).toMatch(/^queue;dur=[\d.]+, work;dur=[\d.]+$/);
    expect(body).toMatchObject({ model: 'test', result: 4, pid: process.pid });
    // `i` is taken modulo the number of inputs (six here)
    expect((await get('?i=7')).body.result).toBe(4);
  });

  it('cycles through the inputs itself when no `i` is given (requests with `i` do not move it)', async () => {
    const results = [];
    for (let n = 0; n < 3; n++) results.push((await get()).body.result);
    expect(results).toEqual([2, 4, 6]);
    expect(workload.inputs).toHaveLength(6);
  });

  it('answers what JSON cannot carry as it can: a bigint as a string, bytes as their length', async () => {
    expect((await get('?i=4')).body.result).toBe((2n ** 70n).toString());
    expect((await get('?i=5')).body.result).toEqual({ digest: { byteLength: 32 } });
  });

  it('turns a throw of run into a 500 ERR_WORK_FAILED without its stack', async () => {
    await expectProblem(await fetch(`${started.base}/work/custom?i=3`), 500, 'ERR_WORK_FAILED');
  });

  it.each(['?i=-1', '?i=x', '?i=1&i=2', '?input=1'])('refuses %s with a 400', async (query) => {
    await expectProblem(
      await fetch(`${started.base}/work/custom${query}`),
      400,
      'ERR_INVALID_PARAM',
    );
  });
});

describe('GET /work/custom without a workload', () => {
  const services = serviceFixture();

  it('does not exist: 404 ERR_NOT_FOUND, whatever the client sends', async () => {
    const { base } = await services.start();
    await expectProblem(await fetch(`${base}/work/custom`), 404, 'ERR_NOT_FOUND');
    await expectProblem(
      await fetch(`${base}/work/custom?module=/tmp/evil.mjs`),
      404,
      'ERR_NOT_FOUND',
    );
  });
});
