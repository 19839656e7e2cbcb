import { expectProblem } from '@concurrency-lab/contract-testing';
import { startOtlpReceiver } from '@concurrency-lab/telemetry';
import { descends, requestTrace } from '@concurrency-lab/telemetry/testing';
import {
  ADMISSION_OFF,
  appEntry,
  launch,
  metricSum,
  type ServiceProcess,
} from '@concurrency-lab/launcher';
import { POOL_CRASH_SWITCH } from '@concurrency-lab/workloads';
import {
  leaveWhileFibRuns,
  runnerStatsOf,
  runnerStatsWhen,
} from '@concurrency-lab/thread-pool/testing';
import { join } from 'node:path';

const restarts = async (service: ServiceProcess) =>
  metricSum(await (await fetch(`${service.url}/metrics`)).text(), 'lab_worker_restarts_total', {
    kind: 'process',
  });

/**
 * Sends fib(`n`), whose process dies, beside fib(27) to a pool of two: the dying request alone
 * gets 500 ERR_WORKER_CRASHED, the neighbour its answer, and the pool replaces that one process.
 */
async function expectOneCrashBesideNeighbour(service: ServiceProcess, n: number): Promise<void> {
  const [crashed, neighbour] = await Promise.all([
    fetch(`${service.url}/cpu/fib?n=${n}`),
    fetch(`${service.url}/cpu/fib?n=27`),
  ]);
  await expectProblem(crashed, 500, 'ERR_WORKER_CRASHED');
  expect(await neighbour.json()).toMatchObject({ result: 196418 });
  const stats = await runnerStatsWhen(service.url, (s) => s.replaced === 1 && s.size === 2);
  expect(stats).toMatchObject({ crashed: 1, replaced: 1, size: 2 });
}

describe('procpool-service and its pool processes', () => {
  it('replaces the child running fib(40) when the client disconnects', async () => {
    // Admission off: a loaded machine must not get fib(40) refused before it runs.
    const service = await launch(appEntry('procpool-service'), {
      env: { WORKERS: '1', ...ADMISSION_OFF },
    });
    try {
      const stats = await leaveWhileFibRuns(service.url);
      // Cancelled (not completed), its process killed and replaced, nothing running.
      expect(stats).toMatchObject({ cancelled: 1, replaced: 1, running: 0, size: 1, crashed: 0 });
      expect(await restarts(service)).toBe(1);
      const next = await fetch(`${service.url}/cpu/fib?n=20`);
      expect(await next.json()).toMatchObject({ result: 6765 });
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('answers 500 ERR_WORKER_CRASHED for the one request whose child died; the others are served', async () => {
    const service = await launch(appEntry('procpool-service'), {
      env: {
        WORKERS: '2',
        // Test only: the real tasks, where fib(39) kills its process (e2e/fixtures).
        PROCPOOL_TASKS_MODULE: join(__dirname, 'fixtures', 'fault-tasks.js'),
        ...ADMISSION_OFF,
      },
    });
    try {
      await expectOneCrashBesideNeighbour(service, 39);
      expect(await restarts(service)).toBe(1);
      const after = await Promise.all(
        [20, 21, 22].map((n) => fetch(`${service.url}/cpu/fib?n=${n}`).then((r) => r.json())),
      );
      expect(after.map((a) => (a as { result: number }).result)).toEqual([6765, 10946, 17711]);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it(`crashes the process handed fib(31) with the fault-injection switch ${POOL_CRASH_SWITCH}: 500 ERR_WORKER_CRASHED for it alone`, async () => {
    // The real tasks module, switched on as the chaos drill does; fib(31) otherwise computes.
    const service = await launch(appEntry('procpool-service'), {
      env: { WORKERS: '2', [POOL_CRASH_SWITCH]: '31', ...ADMISSION_OFF },
    });
    try {
      await expectOneCrashBesideNeighbour(service, 31);
      expect(await (await fetch(`${service.url}/cpu/fib?n=30`)).json()).toMatchObject({
        result: 832040,
      });
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('negative control: without the switch, fib(31) is computed', async () => {
    const service = await launch(appEntry('procpool-service'), {
      env: { WORKERS: '1', ...ADMISSION_OFF },
    });
    try {
      const answer = await fetch(`${service.url}/cpu/fib?n=31`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ result: 1346269 });
      expect(await runnerStatsOf(service.url)).toMatchObject({ crashed: 0, replaced: 0 });
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('traces CPU work and counter shares as pool tasks under the request (real OTLP receiver)', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const service = await launch(appEntry('procpool-service'), {
        env: { WORKERS: '2', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ADMISSION_OFF },
      });
      expect((await fetch(`${service.url}/cpu/fib?n=20`)).status).toBe(200);
      const increment = await fetch(`${service.url}/counter/increment?safe=true&times=2000`, {
        method: 'POST',
      });
      expect(await increment.json()).toMatchObject({ result: { expected: 2000, actual: 2000 } });
      expect(await service.stop()).toEqual({ code: 0, signal: null });

      const fib = requestTrace(receiver.spans, '/cpu/fib');
      expect(fib.server?.resource['lab.model']).toBe('procpool');
      const run = fib.spans.find((s) => s.name === 'pool.run fib');
      expect(fib.spans.map((s) => s.name)).toEqual(
        expect.arrayContaining(['pool.queue_wait', 'pool.run fib']),
      );
      expect(descends(run, fib.server, fib.spans)).toBe(true);
      expect(run?.attributes['lab.thread_trace_id']).toBe(fib.server?.traceId);
      // The counter: one share per pool process, each a pool task in the request's trace.
      const counter = requestTrace(receiver.spans, '/counter/increment');
      const shares = counter.spans.filter((s) => s.name === 'pool.run increment');
      expect(shares).toHaveLength(2);
      expect(shares.every((s) => descends(s, counter.server, counter.spans))).toBe(true);
    } finally {
      await receiver.close();
    }
  }, 30_000);
});
