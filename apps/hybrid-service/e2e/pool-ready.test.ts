import { ADMISSION_OFF, appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { join } from 'node:path';

/** Preloaded into the primary and so into its processes: their pool threads boot slowly. */
const THREAD_BOOT = join(__dirname, 'fixtures', 'thread-boot.cjs');

describe("hybrid-service and its processes' pool threads at start", () => {
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
  });

  it('listens only once every pool thread of its process has booted: the first tasks wait for no boot', async () => {
    service = await launch(appEntry('hybrid-service'), {
      env: { ...ADMISSION_OFF, WORKERS: '1', HYBRID_THREADS: '2', LAB_TEST_THREAD_BOOT: 'slow' },
      nodeArgs: ['--require', THREAD_BOOT],
    });
    // One per thread. Before, the process listened (and told the primary it was ready) while
    // its threads still booted, and these waited for them: 1.5 s here.
    const { url } = service;
    const responses = await Promise.all([1, 2].map(() => fetch(`${url}/cpu/fib?n=1`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    for (const response of responses) {
      const timing = response.headers.get('server-timing') ?? '';
      expect(Number(/queue;dur=([\d.]+)/.exec(timing)?.[1])).toBeLessThan(500);
    }
  }, 30_000);
});
