import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';

interface Info {
  runner: { running: number; cancelled: number; replaced: number; size: number };
}

describe('threads-service and a client that leaves', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    // Admission off: a loaded machine must not get fib(40) refused before it runs.
    service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '1', MAX_EVENT_LOOP_DELAY_MS: '0' },
    });
  });
  afterAll(async () => {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  });

  it('frees the thread running fib(40) when the client disconnects', async () => {
    const info = async () => (await (await fetch(`${service.url}/info`)).json()) as Info;
    const client = new AbortController();
    const left = fetch(`${service.url}/cpu/fib?n=40`, { signal: client.signal });
    // The client leaves once fib(40) runs on the thread (before that it would be a queued abort).
    let stats = (await info()).runner;
    for (let i = 0; i < 500 && stats.running !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stats = (await info()).runner;
    }
    expect(stats.running).toBe(1);
    client.abort();
    await expect(left).rejects.toMatchObject({ name: 'AbortError' });
    stats = (await info()).runner;
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
