import { describe, expect, it } from '@jest/globals';
import {
  applyFilter,
  decodePng,
  FILTER_NAMES,
  generateTestImage,
  imageChecksum,
} from '@concurrency-lab/workloads';
import type { ContractContext } from '../contract-target';
import { tinyPng } from '../test-images';

/** Every work route answers the contract's shape with the workloads lib's result. */
export function describeWorkRoutes(ctx: ContractContext): void {
  const { model } = ctx.target;
  describe('work routes', () => {
    it('computes fib(30) and reports where and how long', async () => {
      const response = await fetch(`${ctx.base()}/cpu/fib?n=30`);
      expect(response.status).toBe(200);
      expect(response.headers.get('server-timing')).toMatch(/queue;dur=[\d.]+, work;dur=[\d.]+/);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ model, result: 832040 });
      expect(body['pid']).toEqual(expect.any(Number));
      expect(body['threadId']).toEqual(expect.any(Number));
      expect(body['durationMs']).toEqual(expect.any(Number));
    });

    it('runs CPU work where the model says: on the loop, a pool thread, or another process', async () => {
      const where = ctx.target.cpuRunsOn;
      if (where === undefined) return;
      const info = (await (await fetch(`${ctx.base()}/info`)).json()) as { pid: number };
      // Several answers: on cluster and hybrid, requests spread over worker processes.
      for (let i = 0; i < 4; i++) {
        const { pid, threadId } = (await (await fetch(`${ctx.base()}/cpu/fib?n=20`)).json()) as {
          pid: number;
          threadId: number;
        };
        // Where HTTP is served by several workers, /info may come from another one: a pid
        // that differs says nothing there.
        const sameProcess = pid === info.pid || ctx.target.httpInWorkers === true;
        const seen = threadId > 0 ? 'thread' : sameProcess ? 'loop' : 'process';
        expect({ pid, threadId, seen }).toEqual({ pid, threadId, seen: where });
      }
    });

    it('counts the primes below one million', async () => {
      const response = await fetch(`${ctx.base()}/cpu/primes?limit=1000000`);
      expect(await response.json()).toMatchObject({ model, result: 78498 });
    });

    it.each(FILTER_NAMES)(
      'filters a generated image with %s, as the workloads lib does',
      async (filter) => {
        const response = await fetch(`${ctx.base()}/image/filter?filter=${filter}&size=64`);
        const expected = applyFilter(generateTestImage(64), filter);
        expect(await response.json()).toMatchObject({
          model,
          result: { width: 64, height: 64, checksum: imageChecksum(expected) },
        });
      },
    );

    it('filters an uploaded PNG and answers a PNG', async () => {
      const png = tinyPng(12, 9);
      const response = await fetch(`${ctx.base()}/image/filter?filter=emboss`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: png,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('server-timing')).toMatch(/queue;dur=/);
      const out = decodePng(new Uint8Array(await response.arrayBuffer()));
      expect(imageChecksum(out)).toBe(imageChecksum(applyFilter(decodePng(png), 'emboss')));
    });

    it('sleeps without blocking and answers the time slept', async () => {
      const response = await fetch(`${ctx.base()}/io/sleep?ms=30`);
      const body = (await response.json()) as { result: unknown; durationMs: number };
      expect(body.result).toEqual({ sleptMs: 30 });
      expect(body.durationMs).toBeGreaterThanOrEqual(29);
    });

    it('scrapes upstream pages concurrently and extracts every title', async () => {
      const response = await fetch(`${ctx.base()}/io/scrape?pages=12`);
      expect(response.status).toBe(200);
      const { result } = (await response.json()) as {
        result: Array<{ url: string; title: string }>;
      };
      expect(result).toHaveLength(12);
      result.forEach((page, i) => {
        expect(page.url).toBe(`${ctx.upstreamUrl()}/page/${i + 1}`);
        expect(page.title).toMatch(new RegExp(`\\b${i + 1}\\b`));
      });
    });

    it('waits then computes on /mixed', async () => {
      const response = await fetch(`${ctx.base()}/mixed?ms=5&n=20`);
      expect(await response.json()).toMatchObject({ result: { sleptMs: 5, fib: 6765 } });
    });
  });
}
