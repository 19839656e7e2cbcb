import {
  ADMISSION_OFF,
  appEntry,
  launch,
  type LogRecord,
  type ServiceProcess,
} from '@concurrency-lab/launcher';
import { runnerStatsWhen } from '@concurrency-lab/thread-pool/testing';
import { join } from 'node:path';

describe('threads-service stopped while its pool threads still run requests', () => {
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
  });

  it('cuts them at SHUTDOWN_TIMEOUT_MS, still closes its pool, says "stopped" and exits 1', async () => {
    service = await launch(appEntry('threads-service'), {
      env: {
        ...ADMISSION_OFF,
        WORKERS: '2',
        SHUTDOWN_TIMEOUT_MS: '1000',
        LAB_WORKLOAD: join(__dirname, 'fixtures', 'busy-loop.mjs'),
      },
    });
    const { url } = service;
    // Two on the threads, one in the queue: none can end before the drain's timeout.
    const requests = Array.from({ length: 3 }, () =>
      fetch(`${url}/work/custom`).then(
        (r) => r.status,
        () => 'cut',
      ),
    );
    const stats = await runnerStatsWhen(url, (s) => s.running === 2 && s.queued === 1);
    expect(stats).toMatchObject({ running: 2, queued: 1 });
    // The drain times out and closes the connections, which cancels their tasks just as it
    // closes the pool: the pool's close lost track of the terminated threads and the process
    // ran out of things to do — exit 0, its last line the timeout's, no 'stopped'.
    expect(await service.stop()).toEqual({ code: 1, signal: null });
    expect(await Promise.all(requests)).toEqual(['cut', 'cut', 'cut']);
    const messages = service.logs<LogRecord>().map((r) => r.msg);
    expect(messages.slice(-3)).toEqual([
      'shutting down',
      'shutdown timeout: closing remaining connections',
      'stopped',
    ]);
    expect(service.logs<LogRecord>().at(-1)).toMatchObject({ outcome: 'timeout' });
  }, 30_000);
});
