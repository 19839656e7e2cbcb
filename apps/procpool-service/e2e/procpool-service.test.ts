import { expectProblem, faultyWorkload } from '@concurrency-lab/contract-testing';
import { startOtlpReceiver } from '@concurrency-lab/telemetry';
import { descends, requestTrace } from '@concurrency-lab/telemetry/testing';
import { until } from '@concurrency-lab/launcher/testing';
import {
  ADMISSION_OFF,
  appEntry,
  launch,
  metricSum,
  StartFailedError,
  type ServiceProcess,
} from '@concurrency-lab/launcher';
import { POOL_CRASH_SWITCH } from '@concurrency-lab/workloads';
import {
  leaveWhileFibRuns,
  runnerStatsOf,
  runnerStatsWhen,
} from '@concurrency-lab/thread-pool/testing';
import { processTree } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POOL_PROCESS_MAX_OLD_SPACE_MB } from '../src/process-pool-runner';
import { withProcpool } from './support/procpool';

/** Test only: the real tasks, plus the faults of e2e/fixtures (fib(39) crashes, fib(38) OOMs…). */
const FAULT_TASKS = join(__dirname, 'fixtures', 'fault-tasks.js');

/** The pool's processes of a service: its descendants, the service itself left out. */
const poolProcesses = (service: { pid: number }) =>
  (processTree(service.pid) ?? []).filter((pid) => pid !== service.pid);

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
    await withProcpool({ WORKERS: '1', ...ADMISSION_OFF }, async (service) => {
      const stats = await leaveWhileFibRuns(service.url);
      // Cancelled (not completed), its process killed and replaced, nothing running.
      expect(stats).toMatchObject({ cancelled: 1, replaced: 1, running: 0, size: 1, crashed: 0 });
      expect(await restarts(service)).toBe(1);
      const next = await fetch(`${service.url}/cpu/fib?n=20`);
      expect(await next.json()).toMatchObject({ result: 6765 });
    });
  });

  it('stops the shares of a counter request cancelled mid-way at the manager: no pool process is killed', async () => {
    // A 25 ms deadline against shares of 2,000 round trips each (get then set): the deadline
    // passes while they run. Before the shares were stopped at the manager, each cost a process.
    await withProcpool(
      { WORKERS: '2', REQUEST_TIMEOUT_MS: '25', ...ADMISSION_OFF },
      async (service) => {
        const statuses: number[] = [];
        for (let i = 0; i < 10; i++) {
          const answer = await fetch(`${service.url}/counter/increment?times=1000000&safe=false`, {
            method: 'POST',
          });
          await answer.arrayBuffer();
          statuses.push(answer.status);
        }
        expect(statuses.filter((status) => status === 504).length).toBeGreaterThanOrEqual(5);
        const stats = await runnerStatsWhen(service.url, (s) => s.running === 0);
        expect(stats.cancelled).toBeGreaterThanOrEqual(10);
        expect(stats).toMatchObject({ replaced: 0, crashed: 0, failed: 0, size: 2 });
        expect(await restarts(service)).toBe(0);
        // Every share had ended when its request was answered: the counter holds still.
        const value = async () =>
          ((await (await fetch(`${service.url}/counter`)).json()) as { value: number }).value;
        const settled = await value();
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await value()).toBe(settled);
      },
    );
  });

  it('answers 500 ERR_WORKER_CRASHED for the one request whose child died; the others are served', async () => {
    const env = {
      WORKERS: '2',
      // Test only: the real tasks, where fib(39) kills its process (e2e/fixtures).
      PROCPOOL_TASKS_MODULE: FAULT_TASKS,
      ...ADMISSION_OFF,
    };
    await withProcpool(env, async (service) => {
      await expectOneCrashBesideNeighbour(service, 39);
      expect(await restarts(service)).toBe(1);
      const after = await Promise.all(
        [20, 21, 22].map((n) => fetch(`${service.url}/cpu/fib?n=${n}`).then((r) => r.json())),
      );
      expect(after.map((a) => (a as { result: number }).result)).toEqual([6765, 10946, 17711]);
    });
  });

  it(`crashes the process handed fib(31) with the fault-injection switch ${POOL_CRASH_SWITCH}: 500 ERR_WORKER_CRASHED for it alone`, async () => {
    // The real tasks module, switched on as the chaos drill does; fib(31) otherwise computes.
    await withProcpool(
      { WORKERS: '2', [POOL_CRASH_SWITCH]: '31', ...ADMISSION_OFF },
      async (service) => {
        await expectOneCrashBesideNeighbour(service, 31);
        expect(await (await fetch(`${service.url}/cpu/fib?n=30`)).json()).toMatchObject({
          result: 832040,
        });
      },
    );
  });

  it('answers a workload’s answer that cannot cross back, or be JSON, 500 ERR_WORK_FAILED, its process kept', async () => {
    await withProcpool(
      { WORKERS: '1', LAB_WORKLOAD: faultyWorkload('unanswerable'), ...ADMISSION_OFF },
      async (service) => {
        await expectProblem(await fetch(`${service.url}/work/custom?i=0`), 500, 'ERR_WORK_FAILED');
        await expectProblem(await fetch(`${service.url}/work/custom?i=1`), 500, 'ERR_WORK_FAILED');
        // The control: what can cross and be JSON is answered.
        expect(await (await fetch(`${service.url}/work/custom?i=2`)).json()).toMatchObject({
          result: 7,
        });
        expect(await runnerStatsOf(service.url)).toMatchObject({ crashed: 0, replaced: 0 });
      },
    );
  });

  it('negative control: without the switch, fib(31) is computed', async () => {
    await withProcpool({ WORKERS: '1', ...ADMISSION_OFF }, async (service) => {
      const answer = await fetch(`${service.url}/cpu/fib?n=31`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ result: 1346269 });
      // The one task of a request: /info's figure leaves the warm-up out (it said 2 before).
      expect(await runnerStatsOf(service.url)).toMatchObject({
        completed: 1,
        crashed: 0,
        replaced: 0,
      });
    });
  });

  it(`caps each pool process's heap (${POOL_PROCESS_MAX_OLD_SPACE_MB} MB old space, a pool thread's): a task that allocates without end answers 500, its process is replaced`, async () => {
    await withProcpool(
      { WORKERS: '2', PROCPOOL_TASKS_MODULE: FAULT_TASKS, ...ADMISSION_OFF },
      async (service) => {
        const flag = `--max-old-space-size=${POOL_PROCESS_MAX_OLD_SPACE_MB}`;
        const children = poolProcesses(service);
        expect(children).toHaveLength(2);
        for (const pid of children) {
          expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain(flag);
        }
        // fib(38) of the fault module allocates until its heap is full: V8 aborts the process.
        await expectOneCrashBesideNeighbour(service, 38);
      },
    );
  }, 30_000);

  it('stops when its pool breaks: requests in flight finish, then a fatal line and exit 1', async () => {
    const service = await launch(appEntry('procpool-service'), {
      env: { WORKERS: '2', PROCPOOL_TASKS_MODULE: FAULT_TASKS, ...ADMISSION_OFF },
    });
    // From now on a pool process's initializer exits: every replacement dies before it is up.
    const broken = join(tmpdir(), `procpool-broken-${service.pid}`);
    mkdirSync(broken, { recursive: true });
    try {
      // In flight hundreds of ms before the pool breaks (three boots and two pauses away).
      const inFlight = fetch(`${service.url}/io/sleep?ms=1500`);
      const crashed = await fetch(`${service.url}/cpu/fib?n=39`);
      await expectProblem(crashed, 500, 'ERR_WORKER_CRASHED');
      let status: unknown;
      void service.exited.then((exit) => (status = exit));
      // Before, it broke the pool and went on: /readyz 200, every CPU request 500, for ever.
      await until(() => status !== undefined, { what: 'the service to stop', timeoutMs: 20_000 });
      expect(status).toEqual({ code: 1, signal: null });
      expect((await inFlight).status).toBe(200);
      expect(
        service.logs<{ level: number; msg: string }>().find((line) => line.level === 60)?.msg,
      ).toMatch(/process pool is broken/);
    } finally {
      await service.stop();
      rmSync(broken, { recursive: true, force: true });
    }
  }, 30_000);

  it('listens only once every pool process is up: one slow in its initializer holds the start', async () => {
    // The second pool process to start spends 1.5 s in its initializer; each marks itself up as
    // its initializer returns (e2e/fixtures). Before, the service listened once one warm-up task
    // per process was answered, and the quick process answered both while the slow one slept:
    // one mark here. (libs/executors' e2e has that way's negative control on a bare executor.)
    const marks = mkdtempSync(join(tmpdir(), 'procpool-up-'));
    const upPids = () =>
      readdirSync(marks)
        .filter((name) => name.startsWith('up-'))
        .map((name) => Number(name.slice('up-'.length)))
        .sort();
    try {
      const env = {
        WORKERS: '2',
        PROCPOOL_TASKS_MODULE: FAULT_TASKS,
        PROCPOOL_FAULT_SLOW_START: `${marks}:1500`,
        ...ADMISSION_OFF,
      };
      await withProcpool(env, async (service) => {
        // Read as soon as it says it listens: both are up, and they are its pool's processes.
        expect(upPids()).toEqual(poolProcesses(service).sort());
        expect(upPids()).toHaveLength(2);
        expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      });
    } finally {
      rmSync(marks, { recursive: true, force: true });
    }
  }, 30_000);

  it('fails its start when the pool breaks as it starts (every initializer exits): exit 1, never listening', async () => {
    const env = {
      WORKERS: '2',
      PROCPOOL_TASKS_MODULE: FAULT_TASKS,
      PROCPOOL_FAULT_INIT_EXIT: '5',
      ...ADMISSION_OFF,
    };
    const failure = await launch(appEntry('procpool-service'), { env }).then(
      async (service) => {
        await service.stop();
        throw new Error('the service listened with a broken pool');
      },
      (error: unknown) => error as StartFailedError,
    );
    expect(failure).toBeInstanceOf(StartFailedError);
    expect(failure.message).toContain('exited ({"code":1,"signal":null}) before listening');
    expect(failure.output).toContain('procpool-service failed to start');
    expect(failure.output).toContain('ERR_EXECUTOR_BROKEN');
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'a %s to its whole process group (a Ctrl-C, a stop of every process, its terminal closing) drains: the CPU request in flight answers 200',
    async (signal) => {
      const service = spawn(process.execPath, [appEntry('procpool-service')], {
        env: { ...process.env, PORT: '0', WORKERS: '2', ...ADMISSION_OFF },
        detached: true, // its own group, as a shell gives a foreground job
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = once(service, 'exit');
      let stdout = '';
      service.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      try {
        await until(() => /"msg":"listening"/.test(stdout), { what: 'the service to listen' });
        const { port } = JSON.parse(
          stdout.split('\n').find((line) => line.includes('"msg":"listening"')) ?? '{}',
        ) as { port: number };
        const url = `http://127.0.0.1:${port}`;
        const answer = fetch(`${url}/cpu/fib?n=37`);
        await until(async () => (await runnerStatsOf(url)).running === 1, {
          what: 'fib(37) to run on a pool process',
        });
        process.kill(-(service.pid ?? 0), signal);
        // Before, the signal killed the pool process under it: 500 ERR_WORKER_CRASHED.
        const response = await answer;
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ result: 24157817 });
        expect(await exited).toEqual([0, null]);
      } finally {
        service.kill('SIGKILL');
      }
    },
    30_000,
  );

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
