import { appEntry, requestOnNewConnection, launch, ADMISSION_OFF } from '@concurrency-lab/launcher';
import { untilLog } from '@concurrency-lab/launcher/testing';
import { faultyWorkload } from '@concurrency-lab/contract-testing';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spawnModel } from './support/spawned-model';

interface LogLine {
  msg: string;
  level?: number;
  pid?: number;
  kind?: string;
  err?: { code?: string };
  workerPid?: number;
  workerPids?: number[];
  at?: number;
  delayMs?: number;
}

/** Clients that each send one request after another, each on a new connection, until stopped. */
function continuousLoad(url: string, clients: number) {
  let running = true;
  const statuses: number[] = [];
  const errors: unknown[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        statuses.push((await requestOnNewConnection(url)).status);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  return {
    statuses,
    errors,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

// Event-loop admission off (ADMISSION_OFF): these tests count every answer of a respawn or a
// rolling restart.
describe('cluster-service process lifecycle', () => {
  it('replaces a worker killed with SIGKILL under load, and /metrics still answers', async () => {
    const service = await launch(appEntry('cluster-service'), {
      env: { WORKERS: '2', ...ADMISSION_OFF },
    });
    try {
      const { workerPids = [] } = service.logs<LogLine>().find((l) => l.msg === 'listening') ?? {};
      expect(workerPids).toHaveLength(2);
      const load = continuousLoad(`${service.url}/io/sleep?ms=5`, 4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.kill(workerPids[0] as number, 'SIGKILL');
      const replacement = await untilLog<LogLine>(
        service,
        'a replacement worker',
        (l) => l.msg === 'forked' && !workerPids.includes(l.workerPid ?? -1),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      await load.stop();
      expect(replacement.workerPid).toEqual(expect.any(Number));
      expect(load.statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/^lab_worker_restarts_total\{(?=[^}]*kind="process")[^}]*\} 1$/m);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 30_000);

  it('backs off a worker that crashes at boot with growing gaps, then stops once the budget is spent', async () => {
    const { exited, logs } = spawnModel({
      WORKERS: '1',
      CLUSTER_WORKER_ENTRY: join(__dirname, 'fixtures', 'crash-at-boot.js'),
      CLUSTER_RESPAWN_BASE_MS: '40',
      CLUSTER_CRASH_BUDGET: '4',
    });
    const [code] = await exited;
    const lines = logs<LogLine>();
    const forks = lines.filter((l) => l.msg === 'forked').map((l) => l.at as number);
    const delays = lines
      .filter((l) => l.msg === 'worker crashed; respawning')
      .map((l) => l.delayMs as number);
    expect(delays).toEqual([40, 80, 160, 320]);
    expect(forks).toHaveLength(5); // the first fork + 4 respawns, then no more
    const gaps = forks.slice(1).map((t, i) => t - (forks[i] as number));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(delays[i] as number));
    expect(lines.some((l) => l.msg === 'crash budget spent; not respawning')).toBe(true);
    expect(code).toBe(1);
  }, 30_000);

  it('stops the start at once when its port is taken: exit 2, nothing respawned', async () => {
    // Every worker would fail to bind again: the crash budget's back-off would only delay the
    // answer (20 s before a launcher heard why).
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const { exited, output, logs } = spawnModel({
        PORT: String(port),
        HOST: '127.0.0.1',
        WORKERS: '2',
      });
      const [code] = await exited;
      expect({ code, output: output() }).toMatchObject({ code: 2 });
      expect(output()).toContain('worker cannot listen (EADDRINUSE)');
      const lines = logs<LogLine>();
      expect(lines.filter((l) => l.msg === 'forked').length).toBeGreaterThan(0);
      expect(lines.map((l) => l.msg)).not.toContain('worker crashed; respawning');
    } finally {
      holder.close();
    }
  }, 30_000);

  it('rolls every worker on SIGHUP under continuous load with zero failed requests', async () => {
    const service = await launch(appEntry('cluster-service'), {
      env: { WORKERS: '2', ...ADMISSION_OFF },
    });
    try {
      const { workerPids = [] } = service.logs<LogLine>().find((l) => l.msg === 'listening') ?? {};
      const load = continuousLoad(`${service.url}/io/sleep?ms=20`, 6);
      await new Promise((resolve) => setTimeout(resolve, 300));
      service.child.kill('SIGHUP');
      const done = await untilLog<LogLine>(
        service,
        'the restart to complete',
        (l) => l.msg === 'rolling restart complete',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await load.stop();
      expect(load.errors).toEqual([]);
      expect(load.statuses.length).toBeGreaterThan(50);
      expect(load.statuses.every((s) => s === 200)).toBe(true);
      expect((done as { workers?: number[] }).workers).toHaveLength(2);
      for (const pid of workerPids)
        expect((done as { workers?: number[] }).workers).not.toContain(pid);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
  // The second is the negative control of a worker's channel errors (a primary gone is no
  // crash): an 'error' event on its process that is not the channel's stays as fatal as before.
  it.each([
    {
      fault: 'a timer that throws',
      workload: faultyWorkload('uncaughtException'),
      code: 'ERR_FIXTURE_UNCAUGHT',
    },
    {
      fault: "an 'error' event on its process, not its channel's",
      workload: join(__dirname, 'fixtures', 'emits-process-error.js'),
      code: 'ERR_FIXTURE_PROCESS_ERROR',
    },
  ])(
    "a worker's uncaught exception ($fault): one fatal line, a non-zero exit, a replacement",
    async ({ workload, code }) => {
      const service = await launch(appEntry('cluster-service'), {
        env: { WORKERS: '2', ...ADMISSION_OFF, LAB_WORKLOAD: workload },
      });
      try {
        const { workerPids = [] } =
          service.logs<LogLine>().find((l) => l.msg === 'listening') ?? {};
        expect((await fetch(`${service.url}/work/custom`)).status).toBe(200);
        const replacement = await untilLog<LogLine>(
          service,
          'a replacement worker',
          (l) => l.msg === 'forked' && !workerPids.includes(l.workerPid ?? -1),
        );
        const fatal = service.logs<LogLine>().filter((l) => l.level === 60);
        expect(fatal).toHaveLength(1);
        expect(fatal[0]).toMatchObject({
          kind: 'uncaughtException',
          err: { code },
        });
        expect(workerPids).toContain(fatal[0]?.pid);
        expect(replacement.workerPid).toEqual(expect.any(Number));
        // the model keeps serving, and counts the restart
        expect((await fetch(`${service.url}/cpu/fib?n=5`)).status).toBe(200);
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        expect(metrics).toMatch(/^lab_worker_restarts_total\{(?=[^}]*kind="process")[^}]*\} 1$/m);
      } finally {
        expect(await service.stop()).toEqual({ code: 0, signal: null });
      }
    },
    30_000,
  );
});
