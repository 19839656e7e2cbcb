import { useEnv } from '@concurrency-lab/launcher/testing';
import { metricSum } from '@concurrency-lab/launcher';
import { loadCustomWorkload, WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendInOneTurn, serviceFixture } from './support/harness';

/** Keeps this thread — the service's event loop — busy for `ms`. */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning is the point
  }
}

const admission = (maxEventLoopDelayMs: number, maxEventLoopUtilization = 0) => ({
  maxEventLoopDelayMs,
  maxEventLoopUtilization,
  sampleIntervalMs: 100,
});

interface Answer {
  status: number;
  head: string;
  body: string;
}

/**
 * A connection to the service, connected and idle: `send` writes a raw request at once (Node
 * hands it to the kernel synchronously), so requests sent just before a stall wait in their
 * sockets, unread, until the loop turns again. `answer` resolves when the service closes.
 */
async function connection(port: number): Promise<{
  send(request: string): void;
  answer: Promise<Answer>;
}> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body });
    });
  });
  return { send: (request) => socket.write(request), answer };
}

/** Sends each request on its own connection, then stalls the loop: the answers. */
async function sentBeforeStall(port: number, requests: string[]): Promise<Answer[]> {
  const connections = await Promise.all(requests.map(() => connection(port)));
  connections.forEach((c, i) => c.send(requests[i] ?? ''));
  block(400); // the requests wait in their sockets while the loop is stuck
  return Promise.all(connections.map((c) => c.answer));
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`;

describe('event-loop admission', () => {
  const services = serviceFixture();

  it('sheds new work with 503 + Retry-After while the loop is saturated, never /healthz or /metrics, and counts why', async () => {
    const { port, base } = await services.start({ config: { admission: admission(100) } });
    const [w, u, h, m] = await sentBeforeStall(port, [
      get('/cpu/fib?n=5'),
      // An upload whose body is still arriving: refused before it is read, its connection closed.
      'POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n' +
        'Content-Length: 1000000\r\n\r\n\x89PNG',
      get('/healthz'),
      get('/metrics'),
    ]);
    if (!w || !u || !h || !m) throw new Error('four answers expected');
    expect(w.status).toBe(503);
    expect(w.head).toContain('retry-after: 1');
    expect(w.head).toContain('content-type: application/problem+json');
    expect(JSON.parse(w.body)).toMatchObject({ status: 503, code: 'ERR_OVERLOADED' });
    expect((JSON.parse(w.body) as { detail: string }).detail).toContain('MAX_EVENT_LOOP_DELAY_MS');
    expect(u.status).toBe(503);
    expect(u.head).toContain('connection: close');
    expect(h.status).toBe(200);
    expect(m.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metricSum(metrics, 'lab_shed_total', { reason: 'event_loop_delay' })).toBe(2);
  });

  it('admits work again once the loop is calm (the gate opens below 70 % of the limit)', async () => {
    const started = await services.start({ config: { admission: admission(100) } });
    const [refused] = await sentBeforeStall(started.port, [get('/cpu/fib?n=5')]);
    expect(refused?.status).toBe(503);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await sleep(50);
      const response = await fetch(`${started.base}/cpu/fib?n=5`);
      await response.text();
      status = response.status;
    }
    expect(status).toBe(200);
  });

  it('negative control: with both checks off (0) the same stall admits the work', async () => {
    const started = await services.start({ config: { admission: admission(0, 0) } });
    expect(started.service.ctx.loop).toBeUndefined();
    const [answer] = await sentBeforeStall(started.port, [get('/cpu/fib?n=5')]);
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer?.body ?? '')).toMatchObject({ result: 5 });
  });
});

describe("event-loop admission after an operator's workload that waits on I/O", () => {
  const services = serviceFixture();
  const FIXTURE = join(__dirname, 'fixtures', 'loop-workload.cjs');
  // The runner loads the workload itself from the environment, as a service's runner does.
  useEnv(WORKLOAD_ENV, FIXTURE);

  const fib = get('/cpu/fib?n=1');

  /** A burst of ten fib(1) read in one turn of an idle loop, after `customRuns` runs of `i`. */
  async function burstAfter(customRuns: number): Promise<number[]> {
    const workload = await loadCustomWorkload(FIXTURE);
    const { service, base } = await services.start({
      workload,
      config: { workload: FIXTURE, admission: admission(100) },
    });
    // Input 0 waits 60 ms on a timer: no CPU to speak of.
    for (let i = 0; i < customRuns; i++) {
      const response = await fetch(`${base}/work/custom?i=0`);
      expect(response.status).toBe(200);
      await response.text();
    }
    return sendInOneTurn(service.server, Array<string>(10).fill(fib));
  }

  it('admits a burst of light CPU work on an idle loop', async () => {
    expect(await burstAfter(5)).toEqual(Array(10).fill(200));
  });

  it('negative control: the same burst with no workload run before is admitted too', async () => {
    expect(await burstAfter(0)).toEqual(Array(10).fill(200));
  });
});
