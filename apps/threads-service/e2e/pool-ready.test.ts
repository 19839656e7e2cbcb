import {
  ADMISSION_OFF,
  appEntry,
  launch,
  StartFailedError,
  type ServiceProcess,
} from '@concurrency-lab/launcher';
import { join } from 'node:path';

/** Preloaded into the service: its pool threads boot slowly, or fail their boot. */
const THREAD_BOOT = join(__dirname, 'fixtures', 'thread-boot.cjs');

/** The `queue` part of a response's Server-Timing (ms). */
function queueMs(response: Response): number {
  return Number(/queue;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]);
}

describe('threads-service and its pool threads at start', () => {
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  it('listens only once every pool thread has booted: the first task waits for no boot', async () => {
    service = await launch(appEntry('threads-service'), {
      env: { ...ADMISSION_OFF, WORKERS: '2', LAB_TEST_THREAD_BOOT: 'slow' },
      nodeArgs: ['--require', THREAD_BOOT],
    });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    // Two at once, one per thread. Before, the service listened (and /readyz said 200) while
    // its threads still booted, and these waited for them: 1.5 s here, 66 ms without the
    // preload.
    const { url } = service;
    const responses = await Promise.all([1, 2].map(() => fetch(`${url}/cpu/fib?n=1`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    for (const response of responses) expect(queueMs(response)).toBeLessThan(500);
  }, 30_000);

  it('does not start when its pool cannot: exit 1, saying why, never listening', async () => {
    // Every thread fails its boot: piscina replaces a first thread once, then no other.
    const start = launch(appEntry('threads-service'), {
      env: { ...ADMISSION_OFF, WORKERS: '2', LAB_TEST_THREAD_BOOT: 'fail' },
      nodeArgs: ['--require', THREAD_BOOT],
    });
    const failure = (await start.then(
      (started) => {
        service = started;
        return undefined;
      },
      (error: unknown) => error,
    )) as StartFailedError | undefined;
    expect(failure).toBeInstanceOf(StartFailedError);
    expect(failure?.message).toMatch(/exited \({"code":1,"signal":null}\) before listening/);
    // Before, it listened and answered every CPU task 504, its /readyz 200.
    expect(failure?.message).toMatch(/threads-service failed to start/);
    expect(failure?.message).toMatch(/The thread pool could not start/);
    expect(failure?.message).toMatch(/code: 'ERR_THREADPOOL_START_FAILED'/);
  }, 30_000);
});
