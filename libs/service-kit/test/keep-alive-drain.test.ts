import { describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceFixture } from './support/harness';

/**
 * `connections` keep-alive clients, each sending its next request as soon as the last one is
 * answered (CPU work, so the service's loop is busy), until `stop()`: what a drain must not
 * break. Counts answers and failures (a reset on a connection that was working).
 */
function busyClients(base: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const counts = { answered: 0, failed: [] as string[] };
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${base}/cpu/fib?n=18`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          counts.answered++;
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Refused: the listener is closed — a new connection, never accepted. Not a loss.
        if (error.code !== 'ECONNREFUSED') counts.failed.push(error.code ?? error.message);
        running = false;
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: connections }, async () => {
    while (running) await one();
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe('draining keep-alive connections', () => {
  const services = serviceFixture();

  it('loses no request of busy keep-alive clients: each connection closes after an answer', async () => {
    const started = await services.start();
    const clients = busyClients(started.base, 16);
    await sleep(300);
    const before = clients.counts.answered;
    await expect(started.service.shutdown()).resolves.toBe('clean');
    await clients.stop();
    expect(clients.counts.failed).toEqual([]);
    expect(before).toBeGreaterThan(16);
  });

  it('negative control: http.Server#close (Node ≥ 19 cuts every idle connection) loses requests already sent', async () => {
    const started = await services.start();
    const clients = busyClients(started.base, 16);
    await sleep(300);
    started.service.server.close();
    await clients.stop();
    expect(clients.counts.failed.length).toBeGreaterThan(0);
    expect(new Set(clients.counts.failed)).toEqual(new Set(['ECONNRESET']));
  });
});
