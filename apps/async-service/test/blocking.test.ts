import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { incrementCounter } from '@concurrency-lab/contract-testing';
import { createService, loadConfig, type Service } from '@concurrency-lab/service-kit';
import pino from 'pino';
import { asyncRuntime } from '../src/runtime';

/**
 * The async model in-process: the kit with this model's runtime, on a free port. Event-loop
 * admission off (`ADMISSION_OFF`): these tests stall the loop on purpose, back to
 * back, to show what the model does — with admission on, a request right after a stall may be
 * refused 503 instead (admission has its own tests, and the contract's on every model).
 */
async function start(
  env: Record<string, string> = {},
): Promise<{ service: Service; base: string }> {
  const service = createService({
    model: 'async',
    config: {
      ...loadConfig({ ...ADMISSION_OFF, ...env }, { port: 0 }),
      port: 0,
      logLevel: 'silent',
    },
    runtime: asyncRuntime(),
    logger: pino({ level: 'silent' }),
  });
  const { port } = await service.listen();
  return { service, base: `http://127.0.0.1:${port}` };
}

/** Fetches `path` and resolves with the order in which the answer arrived. */
function answerOrder(base: string, path: string, order: string[]): Promise<void> {
  return fetch(`${base}${path}`)
    .then((r) => r.text())
    .then(() => {
      order.push(path);
    });
}

describe('the async model: one event loop for everything', () => {
  let service: Service;
  let base: string;

  beforeAll(async () => ({ service, base } = await start()));
  afterAll(() => service.shutdown());

  // A first request, then — 20 ms later, once it is running — a 0 ms wait: the order the two
  // answers arrive in. Behind fib(35) (a few hundred ms of computing, whatever the machine's
  // speed) the wait cannot be served until fib is done; behind a 300 ms wait it answers first.
  it.each([
    ['queues a request that only waits behind CPU work started before it', '/cpu/fib?n=35', true],
    [
      'negative control: waits alone do not block each other — a later short wait answers first',
      '/io/sleep?ms=300',
      false,
    ],
  ])('%s', async (_what, first, waitsBehind) => {
    const second = '/io/sleep?ms=0';
    const order: string[] = [];
    const running = answerOrder(base, first, order);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([running, answerOrder(base, second, order)]);
    expect(order).toEqual(waitsBehind ? [first, second] : [second, first]);
  });

  it('loses counter updates without a lock, on one thread, and none with it', async () => {
    const increment = (safe: boolean) => incrementCounter(base, 100000, safe);
    await fetch(`${base}/counter`, { method: 'DELETE' });
    const unsafe = await increment(false);
    expect(unsafe.actual).toBeLessThan(unsafe.expected);
    await fetch(`${base}/counter`, { method: 'DELETE' });
    expect(await increment(true)).toEqual({
      expected: 100000,
      actual: 100000,
      times: 100000,
      safe: true,
    });
  });
});

describe('the async model’s /info', () => {
  it('reports 1 worker with WORKERS=1, as the launcher and the contract start it', async () => {
    const { service, base } = await start({ WORKERS: '1' });
    try {
      const info = (await (await fetch(`${base}/info`)).json()) as { workers: number };
      expect(info.workers).toBe(1);
    } finally {
      await service.shutdown();
    }
  });
});
