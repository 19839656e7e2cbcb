import { useEnv } from '@concurrency-lab/launcher/testing';
import { loadCustomWorkload, WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { expectProblem, faultyWorkload } from '@concurrency-lab/contract-testing';
import { serviceFixture } from './support/harness';

// A file of its own: a process loads the operator's workload once (custom-route.test.ts has
// another).
describe('GET /work/custom, with a workload whose answer JSON cannot carry', () => {
  const services = serviceFixture({ per: 'describe' });
  const fixture = faultyWorkload('unanswerable');
  let base: string;
  useEnv(WORKLOAD_ENV, fixture);

  beforeAll(async () => {
    const workload = await loadCustomWorkload(fixture);
    ({ base } = await services.start({ workload, config: { workload: fixture } }));
  });

  it.each([
    ['a function (was a 200 without its result)', 0],
    ['a circular object (was 500 ERR_INTERNAL, a fault of the service)', 1],
  ])('answers %s as the workload’s failure: 500 ERR_WORK_FAILED', async (_, i) => {
    await expectProblem(await fetch(`${base}/work/custom?i=${i}`), 500, 'ERR_WORK_FAILED');
  });

  it('answers a value JSON carries (the control)', async () => {
    const response = await fetch(`${base}/work/custom?i=2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: 7 });
  });
});
