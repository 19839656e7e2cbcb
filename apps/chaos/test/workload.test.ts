import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { servedWithin, timeUntil } from '../src/workload';

describe('servedWithin', () => {
  it('gives up on a service that never answers, so a poll keeps the deadline of timeUntil', async () => {
    // Takes every request and never answers: a bare fetch waited undici's 300 s for headers.
    const server = createServer(() => undefined);
    try {
      const url = await listen(server);
      const started = performance.now();
      expect(await timeUntil(() => servedWithin(url, 200), 300)).toBeUndefined();
      // One poll past the deadline at most: 300 ms, then a poll of 200 ms.
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await close(server);
    }
  }, 10_000);

  it('negative control: a 200 is served, another status is not', async () => {
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end('{}'));
    try {
      const url = await listen(server);
      expect(await servedWithin(url)).toBe(true);
      status = 503;
      expect(await servedWithin(url)).toBe(false);
    } finally {
      await close(server);
    }
  });
});
