/**
 * The service side of `--workload`, on every model: started with LAB_WORKLOAD by its operator,
 * each serves the same work on /work/custom — inline on the loop (async), in a pool thread
 * (threads, hybrid), in a worker process (cluster, hybrid), in a pool process (procpool) — and
 * answers the same result; a broken module stops every model's start.
 */
import {
  appEntry,
  Fleet,
  launch,
  StartFailedError,
  ADMISSION_OFF,
} from '@concurrency-lab/launcher';
import { MODEL_NAMES, MODELS } from '@concurrency-lab/models';
import { join } from 'node:path';

const example = join(__dirname, '..', 'workloads', 'json-transform.mjs');
const fixtures = join(__dirname, '..', 'test', 'fixtures', 'workloads');
const broken = join(fixtures, 'no-run.mjs');
const throws = join(fixtures, 'throws.mjs');

interface WorkAnswer {
  model: string;
  pid: number;
  threadId: number;
  result: unknown;
}

/** Every model, serving `workload` (LAB_WORKLOAD), for the `describe` it is called in. */
function fleetServing(workload: string): () => Fleet {
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    // Admission off: all five models start at once on the same cores, and a loop held up past
    // MAX_EVENT_LOOP_DELAY_MS would answer 503 where these tests read the route's own answer.
    fleet = await Fleet.start({
      upstream: false,
      modelEnv: { WORKERS: '2', LAB_WORKLOAD: workload, ...ADMISSION_OFF },
    });
  }, 120_000);
  afterAll(() => fleet?.stop());
  return () => {
    if (!fleet) throw new Error('the fleet did not start');
    return fleet;
  };
}

describe('GET /work/custom on every model, LAB_WORKLOAD set by the operator', () => {
  const fleet = fleetServing(example);

  it('answers the same result under every model, computed where the model computes', async () => {
    const answers = new Map<string, WorkAnswer>();
    for (const { model, service } of fleet().models) {
      const response = await fetch(`${service.url}/work/custom?i=2`);
      expect({ model, status: response.status }).toEqual({ model, status: 200 });
      answers.set(model, (await response.json()) as WorkAnswer);
    }
    const results = [...answers.values()].map((a) => JSON.stringify(a.result));
    expect(new Set(results).size).toBe(1);
    expect(JSON.parse(results[0] ?? 'null')).toMatchObject({ customers: 40 });
    for (const { model, service } of fleet().models) {
      const answer = answers.get(model);
      if (model === 'threads' || model === 'hybrid')
        expect([model, (answer?.threadId ?? 0) > 0]).toEqual([model, true]); // a pool thread
      if (model === 'async') expect(answer).toMatchObject({ pid: service.pid, threadId: 0 });
      if (model === 'cluster' || model === 'hybrid')
        // a worker, not the primary
        expect([model, answer?.pid === service.pid]).toEqual([model, false]);
    }
    expect([...answers.keys()]).toEqual([...MODEL_NAMES]);
  });

  it('refuses `i` out of its domain on every model, as the contract refuses any bad parameter', async () => {
    for (const { model, service } of fleet().models) {
      const response = await fetch(`${service.url}/work/custom?i=-1`);
      const body = (await response.json()) as { code: string };
      expect({ model, status: response.status, code: body.code }).toEqual({
        model,
        status: 400,
        code: 'ERR_INVALID_PARAM',
      });
    }
  });
});

describe('a LAB_WORKLOAD whose run throws', () => {
  const fleet = fleetServing(throws);

  // The operator's code failed, not the model: 500 ERR_WORK_FAILED wherever it ran (inline, in a
  // pool thread, in a pool process), never ERR_WORKER_CRASHED, and no stack in the answer.
  it('answers 500 ERR_WORK_FAILED on every model, without a stack, and the service lives', async () => {
    const answers = [];
    for (const { model, service } of fleet().models) {
      const response = await fetch(`${service.url}/work/custom`);
      const body = (await response.json()) as { code: string; detail: string };
      answers.push({
        model,
        status: response.status,
        code: body.code,
        stack: /\n\s+at /.test(body.detail),
        healthz: (await fetch(`${service.url}/healthz`)).status,
      });
    }
    expect(answers).toEqual(
      MODEL_NAMES.map((model) => ({
        model,
        status: 500,
        code: 'ERR_WORK_FAILED',
        stack: false,
        healthz: 200,
      })),
    );
  });
});

describe('a broken LAB_WORKLOAD', () => {
  it.each(MODELS.map((m) => [m.model, m.app] as const))(
    '%s refuses to start, naming the problem',
    async (_model, app) => {
      const failure = await launch(appEntry(app), {
        name: app,
        env: { PORT: '0', WORKERS: '1', LAB_WORKLOAD: broken },
      }).then(
        async (service) => {
          await service.stop();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StartFailedError);
      expect((failure as StartFailedError).output).toContain('ERR_WORKLOAD_MODULE');
    },
    60_000,
  );
});
