import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';

interface Info {
  runner: { running: number; cancelled: number; replaced: number; size: number };
}

describe('threads-service and a client that leaves', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await launch(appEntry('threads-service'), { env: { WORKERS: '1' } });
  });
  afterAll(async () => {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  });

  it('frees the thread running fib(40) when the client disconnects', async () => {
    const info = async () => (await (await fetch(`${service.url}/info`)).json()) as Info;
    await expect(
      fetch(`${service.url}/cpu/fib?n=40`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    let stats = (await info()).runner;
    for (
      let i = 0;
      i < 50 && !(stats.cancelled === 1 && stats.replaced === 1 && stats.size === 1);
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = (await info()).runner;
    }
    // Cancelled (not completed), its thread terminated and replaced, nothing running.
    expect(stats).toMatchObject({ cancelled: 1, replaced: 1, running: 0, size: 1 });
    const next = await fetch(`${service.url}/cpu/fib?n=20`);
    expect(await next.json()).toMatchObject({ result: 6765 });
  });
});
