import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import { close, listen, until } from '@concurrency-lab/launcher/testing';
import { HealthzProber } from '../src/probes/healthz-prober';
import { MemorySampler } from '../src/probes/memory-sampler';
import { answeredBy } from '../src/probes/who-answers';

const MIB = 1024 * 1024;

async function withServer<T>(handler: RequestListener, body: (base: string) => Promise<T>) {
  const server = createServer(handler);
  const base = await listen(server);
  try {
    return await body(base);
  } finally {
    server.closeAllConnections();
    await close(server);
  }
}

describe('MemorySampler', () => {
  it('keeps the peak RSS, not the last sample', async () => {
    // A process that holds 160 MiB for 0.4 s, then frees it and idles 0.4 s more.
    const child = spawn(process.execPath, [
      '--expose-gc',
      '-e',
      'let b = Buffer.alloc(160 * 2 ** 20, 1); setTimeout(() => { b = undefined; gc(); setTimeout(() => {}, 400); }, 400);',
    ]);
    const exited = once(child, 'exit');
    const sampler = new MemorySampler({
      pid: child.pid ?? -1,
      base: 'http://127.0.0.1:1',
      intervalMs: 20,
    });
    await exited;
    const samples = await sampler.stop();
    const last = samples.at(-1)?.rssBytes ?? 0;
    expect(Math.max(...samples.map((s) => s.rssBytes))).toBe(sampler.peakRssBytes);
    expect(sampler.peakRssBytes).toBeGreaterThan(160 * MIB);
    // Control: the samples went down after the peak, so the last is not the peak.
    expect(last).toBeLessThan(sampler.peakRssBytes - 100 * MIB);
  });

  it('waits, on stop, for the sample under way', async () => {
    // A /metrics that takes 300 ms: the first sample (at 20 ms) is still reading it at the stop.
    await withServer(
      (_req, res) => void setTimeout(() => res.end('nodejs_heap_size_used_bytes 5\n'), 300),
      async (base) => {
        const sampler = new MemorySampler({
          pid: process.pid,
          base,
          intervalMs: 20,
          withHeap: true,
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const samples = await sampler.stop();
        expect(samples).toHaveLength(1);
        expect(samples[0]?.heapBytes).toBe(5);
      },
    );
  });
});

describe('HealthzProber', () => {
  it('counts a probe answered other than 200 as failed', async () => {
    let status = 503;
    let received = 0;
    await withServer(
      (_req, res) => {
        received++;
        res.writeHead(status).end();
      },
      async (base) => {
        const failing = new HealthzProber(base, 20, 1000);
        await until(() => received >= 3, { what: '3 probes' });
        const figures = await failing.stop();
        expect(figures.probes).toBeGreaterThanOrEqual(3);
        expect(figures.failed).toBe(figures.probes);
        // Control: a 200 fails none.
        status = 200;
        received = 0;
        const healthy = new HealthzProber(base, 20, 1000);
        await until(() => received >= 3, { what: '3 probes' });
        expect(await healthy.stop()).toMatchObject({ failed: 0 });
      },
    );
  });
});

describe('answeredBy', () => {
  it('names the process of a 200 only: a 503 with X-Pid was not answered', async () => {
    let status = 503;
    await withServer(
      (_req, res) => res.writeHead(status, { 'x-pid': '4242' }).end('{}'),
      async (base) => {
        expect(await answeredBy(base, '/info')).toBeUndefined();
        status = 200; // control
        expect(await answeredBy(base, '/info')).toBe(4242);
      },
    );
  });
});
