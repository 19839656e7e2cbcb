/**
 * `/io/scrape` under overload, in-process against a real upstream: a request refused because the
 * process-wide fetch queue is full (503 `ERR_OVERLOADED`) takes its other pages with it. Were they
 * left in the queue, tied only to a deadline a sent 503 never aborts, they would keep the queue
 * full for nobody and refuse the next requests too.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type ServerResponse } from 'node:http';
import { expectProblem } from '@concurrency-lab/contract-testing';
import { close, listen, until } from '@concurrency-lab/launcher/testing';
import { LIMITS } from '../src/index';
import { serviceFixture } from './support/harness';

interface HoldingUpstream {
  url: string;
  /** Requests received, and those whose connection is still open (unanswered, not aborted). */
  stats: { received: number; open: number };
  /** Answers every request held so far; answers the later ones at once from then on if `open`. */
  release(options?: { open?: boolean }): void;
  close(): Promise<void>;
}

/** A real HTTP server on port 0 that holds every /page/N request until the test releases it. */
async function startHoldingUpstream(): Promise<HoldingUpstream> {
  const stats = { received: 0, open: 0 };
  let held: ServerResponse[] = [];
  let holding = true;
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Page</title>');
  const server = createServer((_req, res) => {
    stats.received++;
    stats.open++;
    res.once('close', () => stats.open--);
    if (holding) held.push(res);
    else answer(res);
  });
  return {
    url: await listen(server),
    stats,
    release({ open = false } = {}) {
      if (open) holding = false;
      const now = held;
      held = [];
      for (const res of now) if (!res.destroyed) answer(res);
    },
    close: () => close(server),
  };
}

describe('/io/scrape refused by a full fetch queue', () => {
  const services = serviceFixture();
  let upstream: HoldingUpstream | undefined;
  afterEach(async () => {
    upstream?.release({ open: true });
    await upstream?.close();
    upstream = undefined;
  });

  // The queue's slots, less what the refused request gets to run; its places (MAX_QUEUE, also
  // the admission bound on work requests, so the filling requests stay below it).
  const slots = LIMITS.upstreamConcurrency;
  const places = 5;

  /**
   * A service whose fetch queue has `slots - 2` fetches held at the upstream by four requests
   * (8 + 8 + 8 + rest pages), so the next 8-page request runs 2 pages, queues 5, and is refused
   * at its 8th.
   */
  async function nearlyFull() {
    const up = await startHoldingUpstream();
    upstream = up;
    const { service, base } = await services.start({
      config: { upstreamUrl: up.url, maxQueue: places },
    });
    const queue = service.ctx.fetchQueue;
    const filling = [8, 8, 8, slots - 2 - 24].map((pages) =>
      fetch(`${base}/io/scrape?pages=${pages}`).then(async (res) => {
        await res.arrayBuffer();
        return res.status;
      }),
    );
    await until(() => up.stats.received === slots - 2, {
      what: `${slots - 2} fetches held at the upstream`,
      detail: () => JSON.stringify({ upstream: up.stats, queue: queue.stats }),
    });
    expect(queue.stats).toMatchObject({ running: slots - 2, queued: 0 });
    return { up, base, queue, filling };
  }

  it('leaves none of its pages queued or running after the 503, and the upstream sees none of them later', async () => {
    const { up, base, queue, filling } = await nearlyFull();
    const refused = await fetch(`${base}/io/scrape?pages=8`);
    // A shed the client may retry: it says when, as the admission bound's 503 does.
    expect(refused.headers.get('retry-after')).toBe('1');
    await expectProblem(refused, 503, 'ERR_OVERLOADED');
    // Right after the 503: its 5 queued pages are gone, and so are the 2 it had running.
    expect(queue.stats.queued).toBe(0);
    expect(queue.stats.cancelled).toBe(2 + places);
    await until(() => queue.stats.running === slots - 2 && up.stats.open === slots - 2, {
      what: 'its 2 running fetches aborted',
      detail: () => JSON.stringify({ upstream: up.stats, queue: queue.stats }),
    });
    // Every other request's pages are answered now; none of the refused request's is fetched.
    up.release({ open: true });
    expect(await Promise.all(filling)).toEqual([200, 200, 200, 200]);
    await queue.onIdle();
    expect(up.stats.received).toBeLessThanOrEqual(slots);
    expect(queue.stats).toMatchObject({ completed: slots - 2, failed: 0 });
  });

  it('negative control: the same request with room in the queue fetches every page', async () => {
    const { up, base, queue, filling } = await nearlyFull();
    up.release({ open: true });
    expect(await Promise.all(filling)).toEqual([200, 200, 200, 200]);
    const answered = await fetch(`${base}/io/scrape?pages=8`);
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as { result: Array<{ title?: string }> };
    expect(body.result.map((page) => page.title)).toEqual(Array(8).fill('Page'));
    expect(up.stats.received).toBe(slots - 2 + 8);
    expect(queue.stats).toMatchObject({ completed: slots - 2 + 8, cancelled: 0, queued: 0 });
  });
});
