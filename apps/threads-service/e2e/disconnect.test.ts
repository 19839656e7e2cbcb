import { appEntry, launch, type ServiceProcess, ADMISSION_OFF } from '@concurrency-lab/launcher';
import { leaveWhileFibRuns } from '@concurrency-lab/thread-pool/testing';

describe('threads-service and a client that leaves', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    // Admission off: a loaded machine must not get fib(40) refused before it runs.
    service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '1', ...ADMISSION_OFF },
    });
  });
  afterAll(async () => {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  });

  it('frees the thread running fib(40) when the client disconnects', async () => {
    const stats = await leaveWhileFibRuns(service.url);
    // Cancelled (not completed), its thread terminated and replaced, nothing running.
    expect(stats).toMatchObject({ cancelled: 1, replaced: 1, running: 0, size: 1 });
    const next = await fetch(`${service.url}/cpu/fib?n=20`);
    expect(await next.json()).toMatchObject({ result: 6765 });
  });
});
