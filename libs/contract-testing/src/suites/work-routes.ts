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

/** `Server-Timing` splitting the time into `queue` and `work` (docs/contract.md, Routes). */
const SERVER_TIMING = /queue;dur=[\d.]+, work;dur=[\d.]+/;

/**
 * A work route's answer: 200, `Server-Timing` with `queue` and `work`, and JSON
 * `{ model, pid, threadId, result, durationMs }` — `pid` a process id, `threadId` 0 or a
 * thread's id. Gives the body for the route's own checks of `result`.
 */
async function expectWorkAnswer(
  response: Response,
  model: string,
): Promise<Record<string, unknown> & { result: unknown }> {
  const text = await response.text();
  expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status: 200 });
  expect(response.headers.get('server-timing')).toMatch(SERVER_TIMING);
  const body = JSON.parse(text) as Record<string, unknown> & { result: unknown };
  expect(body).toEqual(
    expect.objectContaining({
      model,
      pid: expect.any(Number),
      threadId: expect.any(Number),
      durationMs: expect.any(Number),
    }),
  );
  const pid = body['pid'] as number;
  const threadId = body['threadId'] as number;
  expect({ result: 'result' in body, pid: Number.isInteger(pid) && pid > 0 }).toEqual({
    result: true,
    pid: true,
  });
  expect({ threadId, integer: Number.isInteger(threadId) && threadId >= 0 }).toEqual({
    threadId,
    integer: true,
  });
  return body;
}

/** Every work route answers the contract's shape with the workloads lib's result. */
export function describeWorkRoutes(ctx: ContractContext): void {
  const { model } = ctx.target;
  // Each route below is checked for the contract's answer shape (`expectWorkAnswer`), not only
  // /cpu/fib: each has its own handler, and a shape kept on one says nothing of the others.
  describe('work routes', () => {
    it('computes fib(30) and reports where and how long', async () => {
      const body = await expectWorkAnswer(await fetch(`${ctx.base()}/cpu/fib?n=30`), model);
      expect(body.result).toBe(832040);
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
      expect((await expectWorkAnswer(response, model)).result).toBe(78498);
    });

    it.each(FILTER_NAMES)(
      'filters a generated image with %s, as the workloads lib does',
      async (filter) => {
        const response = await fetch(`${ctx.base()}/image/filter?filter=${filter}&size=64`);
        const expected = applyFilter(generateTestImage(64), filter);
        expect((await expectWorkAnswer(response, model)).result).toMatchObject({
          width: 64,
          height: 64,
          checksum: imageChecksum(expected),
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
      // The answer is the PNG itself (docs/contract.md): the header is what says the timing.
      expect(response.headers.get('server-timing')).toMatch(SERVER_TIMING);
      const out = decodePng(new Uint8Array(await response.arrayBuffer()));
      expect(imageChecksum(out)).toBe(imageChecksum(applyFilter(decodePng(png), 'emboss')));
    });

    it('sleeps without blocking and answers the time slept', async () => {
      const response = await fetch(`${ctx.base()}/io/sleep?ms=30`);
      const body = await expectWorkAnswer(response, model);
      expect(body.result).toEqual({ sleptMs: 30 });
      expect(body['durationMs']).toBeGreaterThanOrEqual(29);
    });

    it('scrapes upstream pages concurrently and extracts every title', async () => {
      const response = await fetch(`${ctx.base()}/io/scrape?pages=12`);
      const { result } = (await expectWorkAnswer(response, model)) as {
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
      expect((await expectWorkAnswer(response, model)).result).toMatchObject({
        sleptMs: 5,
        fib: 6765,
      });
    });

    it('increments the shared counter and answers as a work route', async () => {
      const response = await fetch(`${ctx.base()}/counter/increment?times=3&safe=true`, {
        method: 'POST',
      });
      expect((await expectWorkAnswer(response, model)).result).toMatchObject({
        expected: 3,
        actual: 3,
      });
    });
  });
}
