import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { close, closedUrl, listen, timersSetBy, until } from '@concurrency-lab/launcher/testing';
import { QueueShutdownError, WorkQueue } from '@concurrency-lab/queues';
import { MAX_PAGE_BYTES, ProblemError, scrapePages } from '../src/index';

interface Upstream {
  url: string;
  /** Requests being answered now, the most seen at once, and every path asked for. */
  stats: { active: number; max: number; paths: string[] };
  /** Requests held unanswered (with `hold`). */
  held(): number;
  /** Answers every held request. */
  releaseAll(): number;
  close(): Promise<void>;
}

interface UpstreamOptions {
  /** Page numbers that answer 500. */
  failing?: number[];
  /** Page numbers that answer 404 with a page that has a `<title>` (as real 404 pages do). */
  notFound?: number[];
  /** Page numbers that never answer (until the server closes). */
  hanging?: number[];
  /** Hold every request until the test calls `releaseAll()`. */
  hold?: boolean;
}

/** A real HTTP server on port 0 serving `<title>Page N</title>` at /page/N. */
async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const stats = { active: 0, max: 0, paths: [] as string[] };
  let held: Array<() => void> = [];
  const releaseAll = () => {
    const release = held;
    held = [];
    for (const go of release) go();
    return release.length;
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const page = Number(/^\/page\/(\d+)$/.exec(req.url ?? '')?.[1]);
    if (options.failing?.includes(page)) {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<title>Server error</title>');
    } else if (options.notFound?.includes(page)) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not Found</title>');
    } else if (Number.isInteger(page)) {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><head><title> Page ${page} </title></head></html>`);
    } else {
      res.writeHead(404).end();
    }
  };
  const server = createServer((req, res) => {
    stats.active++;
    stats.max = Math.max(stats.max, stats.active);
    stats.paths.push(req.url ?? '');
    // Counted down when the exchange ends either way: answered, or the client aborted it.
    res.once('close', () => stats.active--);
    const page = Number(/^\/page\/(\d+)$/.exec(req.url ?? '')?.[1]);
    if (options.hanging?.includes(page)) return;
    if (options.hold) held.push(() => answer(req, res));
    else answer(req, res);
  });
  return {
    url: await listen(server),
    stats,
    held: () => held.length,
    releaseAll,
    close: () => close(server),
  };
}

const never = () => new AbortController().signal;

/**
 * Scrapes one page from a server that answers with `handler`, then closes it. A page timeout of
 * a minute: a read that ended only by the timeout fails the test by jest's own.
 */
async function scrapeOnePage(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Awaited<ReturnType<typeof scrapePages>>> {
  const server = createServer(handler);
  const upstreamUrl = await listen(server);
  try {
    return await scrapePages({
      upstreamUrl,
      pages: 1,
      pageTimeoutMs: 60_000,
      signal: never(),
    });
  } finally {
    await close(server);
  }
}

describe('scrapePages', () => {
  let upstream: Upstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  it('answers { url, title } per page, in page order, with titles trimmed', async () => {
    upstream = await startUpstream();
    const pages = await scrapePages({ upstreamUrl: upstream.url, pages: 5, signal: never() });
    expect(pages).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ url: `${upstream?.url}/page/${n}`, title: `Page ${n}` })),
    );
    expect([...upstream.stats.paths].sort()).toEqual([
      '/page/1',
      '/page/2',
      '/page/3',
      '/page/4',
      '/page/5',
    ]);
  });

  it.each([
    ['that answered 500', { failing: [2] }, 'upstream answered 500'],
    // A page of its own (a <title>Not Found</title>), not a title: any non-2xx fails the page.
    ['that is a 404 page', { notFound: [2] }, 'upstream answered 404'],
  ])(
    'reports a page %s as { url, error: { code: ERR_UPSTREAM_STATUS } } and keeps the others',
    async (_what, pagesThatFail, detail) => {
      upstream = await startUpstream(pagesThatFail);
      const pages = await scrapePages({ upstreamUrl: upstream.url, pages: 3, signal: never() });
      expect(pages).toEqual([
        { url: `${upstream.url}/page/1`, title: 'Page 1' },
        { url: `${upstream.url}/page/2`, error: { code: 'ERR_UPSTREAM_STATUS', detail } },
        { url: `${upstream.url}/page/3`, title: 'Page 3' },
      ]);
    },
  );

  it('reports an unreachable upstream per page as ERR_UPSTREAM_UNREACHABLE', async () => {
    const base = await closedUrl();
    const pages = await scrapePages({ upstreamUrl: base, pages: 2, signal: never() });
    expect(pages).toEqual([
      {
        url: `${base}/page/1`,
        error: { code: 'ERR_UPSTREAM_UNREACHABLE', detail: expect.any(String) },
      },
      {
        url: `${base}/page/2`,
        error: { code: 'ERR_UPSTREAM_UNREACHABLE', detail: expect.any(String) },
      },
    ]);
  });

  it('reports a page that does not answer within pageTimeoutMs as ERR_UPSTREAM_TIMEOUT', async () => {
    upstream = await startUpstream({ hanging: [1] });
    // The timeout is each page's own, so it bounds page 2's round trip too: 50 ms was not enough
    // for a process's first fetch on a loaded CI machine (page 2 timed out as well). A second
    // leaves page 2 room and still ends page 1 long before jest's own timeout.
    const pages = await scrapePages({
      upstreamUrl: upstream.url,
      pages: 2,
      pageTimeoutMs: 1_000,
      signal: never(),
    });
    expect(pages).toEqual([
      {
        url: `${upstream.url}/page/1`,
        error: { code: 'ERR_UPSTREAM_TIMEOUT', detail: expect.any(String) },
      },
      { url: `${upstream.url}/page/2`, title: 'Page 2' },
    ]);
  });

  it('leaves no page timer behind once its pages are in (pageTimeoutMs of a minute)', async () => {
    upstream = await startUpstream();
    const { url } = upstream;
    // The scrape's own timers of a minute: its pages' (fetch's own timers have other delays, and
    // no timer of another test's, ended meanwhile, moves the count).
    using scrape = timersSetBy(
      () => scrapePages({ upstreamUrl: url, pages: 5, pageTimeoutMs: 60_000, signal: never() }),
      { ms: 60_000 },
    );
    // the control: while the pages are on their way, each has its timer
    expect(await scrape.pending()).toBe(5);
    expect(await scrape.result).toHaveLength(5);
    expect(await scrape.pending()).toBe(0);
  });

  it('answers title null for a page without a <title>', async () => {
    const pages = await scrapeOnePage((_req, res) => res.end('<html><body>no title</body></html>'));
    expect(pages.map((page) => ({ ...page, url: undefined }))).toEqual([{ title: null }]);
  });

  it('reads a page no further than MAX_PAGE_BYTES: one that never ends still gives its title', async () => {
    let sent = 0;
    const pages = await scrapeOnePage((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head><title>Endless</title></head><body>');
      // 64 KiB more every time the socket drains, until the client goes.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const more = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', more);
      more();
    });
    expect(pages.map((page) => ({ ...page, url: undefined }))).toEqual([{ title: 'Endless' }]);
    // What the server got out before the client stopped reading: socket buffers, not the page.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('parses the first MAX_PAGE_BYTES alone: a title that ends past them is not read', async () => {
    // Sent in one piece: the chunk that crosses the limit holds the rest of the title too.
    const page = (titleAt: number) =>
      Buffer.concat([Buffer.alloc(titleAt, ' '), Buffer.from('<title>Late</title>')]);
    const titles: (string | null)[] = [];
    for (const titleAt of [MAX_PAGE_BYTES - 19, MAX_PAGE_BYTES - 6]) {
      const [scraped] = await scrapeOnePage((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end(page(titleAt));
      });
      titles.push(scraped && 'title' in scraped ? scraped.title : 'no title read');
    }
    // Within the limit to its last byte, the title is read: the control.
    expect(titles).toEqual(['Late', null]);
  });

  it('rejects with the signal reason when the request is cancelled, rather than reporting page errors', async () => {
    upstream = await startUpstream({ hanging: [1, 2] });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = scrapePages({ upstreamUrl: upstream.url, pages: 2, signal: controller.signal });
    await until(() => upstream?.stats.paths.length === 2, { what: 'both pages requested' });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  /**
   * Drives a scrape against a holding upstream in rounds: wait until `bound` requests (or all
   * that remain) are held, give the client a moment to send any request beyond the bound, then
   * answer the held ones. The wait only gives a broken bound the chance to show; a correct bound
   * passes however slow the machine is. Returns the most requests the server saw at once.
   */
  async function maxInFlight(pages: number, bound: number, concurrency?: number): Promise<number> {
    const holding = await startUpstream({ hold: true });
    upstream = holding;
    let finished = false;
    const pending = scrapePages({
      upstreamUrl: holding.url,
      pages,
      signal: never(),
      ...(concurrency === undefined ? {} : { concurrency }),
    }).finally(() => (finished = true));
    let answered = 0;
    while (answered < pages) {
      const target = Math.min(bound, pages - answered);
      await until(() => holding.held() >= target, { what: `${target} pages held` });
      await new Promise((resolve) => setTimeout(resolve, 25));
      answered += holding.releaseAll();
    }
    const results = await pending;
    expect(finished).toBe(true);
    expect(results.every((page) => 'title' in page)).toBe(true);
    expect(holding.stats.paths).toHaveLength(pages);
    return holding.stats.max;
  }

  it('keeps at most `concurrency` requests in flight, and does reach that bound', async () => {
    expect(await maxInFlight(12, 3, 3)).toBe(3);
  });

  it('defaults to 8 requests in flight', async () => {
    expect(await maxInFlight(16, 8)).toBe(8);
  });

  it('negative control: the same check sees a looser bound exceed 3', async () => {
    expect(await maxInFlight(12, 3, 6)).toBe(6);
  });
});

/**
 * A scrape that fails early must take its other pages out of the shared fetch queue: a refused
 * request's fetches would otherwise keep the queue full for nobody, so refusals cause refusals.
 */
describe('scrapePages when it fails early', () => {
  let upstream: Upstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  /** The pages the upstream was asked for, as numbers, sorted. */
  const pagesSeen = (up: Upstream) =>
    up.stats.paths.map((path) => Number(path.slice('/page/'.length))).sort((a, b) => a - b);

  /** Scrapes `up` with its fetches in `queue`, uncancelled by the caller. */
  const scrapeThrough = (
    up: Upstream,
    queue: WorkQueue,
    options: { pages: number; concurrency: number; pageTimeoutMs?: number },
  ) => scrapePages({ upstreamUrl: up.url, queue, signal: never(), ...options });

  /** Answers whatever the upstream holds until `queue` is idle; resolves with nothing pending. */
  const drain = (up: Upstream, queue: WorkQueue) =>
    until(
      () => {
        up.releaseAll();
        return queue.stats.queued === 0 && queue.stats.running === 0;
      },
      { what: 'the fetch queue to go idle', detail: () => JSON.stringify(queue.stats) },
    );

  it('a refusal (queue full → ERR_OVERLOADED) removes its queued pages and aborts its running fetches', async () => {
    const holding = await startUpstream({ hold: true });
    upstream = holding;
    // Pages 1-2 take the queue's two slots, 3-4 its two places, page 5 is refused.
    const queue = new WorkQueue({ name: 'upstream-fetch', concurrency: 2, maxQueue: 2 });
    const error = await scrapeThrough(holding, queue, {
      pages: 8,
      concurrency: 8,
      pageTimeoutMs: 60_000, // no page timeout ends a leftover fetch during the test
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).code).toBe('ERR_OVERLOADED');
    // Right when the request is answered: none of its pages waits in the queue any more,
    // and the two that ran were cancelled along with the two that waited.
    expect(queue.stats.queued).toBe(0);
    expect(queue.stats.cancelled).toBe(4);
    // The running fetches were aborted: the upstream sees their connections close unanswered.
    await until(() => queue.stats.running === 0 && holding.stats.active === 0, {
      what: 'the running fetches to be aborted',
      detail: () => JSON.stringify({ queue: queue.stats, upstream: holding.stats }),
    });
    expect(holding.held()).toBeLessThanOrEqual(2);
    // Anything still held is answered; nothing of this request is left to start.
    await drain(holding, queue);
    await expect(queue.onIdle()).resolves.toBeUndefined();
    // Only the pages already running when it was refused ever reached the upstream.
    expect(pagesSeen(holding).filter((page) => page > 2)).toEqual([]);
    expect(queue.stats.completed + queue.stats.failed).toBe(0);
  });

  it('a page that throws (the queue shut down) aborts the page still running', async () => {
    // Page 1 is held until the test answers it, page 2 never answers.
    const holding = await startUpstream({ hold: true, hanging: [2] });
    upstream = holding;
    const queue = new WorkQueue({ name: 'upstream-fetch', concurrency: 2, maxQueue: 10 });
    const pending = scrapeThrough(holding, queue, {
      pages: 6,
      concurrency: 2,
      pageTimeoutMs: 60_000,
    }).catch((e: unknown) => e);
    await until(() => holding.held() === 1 && holding.stats.paths.length === 2, {
      what: 'page 1 held and page 2 requested',
    });
    // Once page 1 is answered, the next page's `run` throws; page 2 is still running then.
    void queue.shutdown();
    expect(holding.releaseAll()).toBe(1);
    const error = await pending;
    expect(error).toBeInstanceOf(QueueShutdownError);
    expect(queue.stats).toMatchObject({ completed: 1, cancelled: 1 });
    await until(() => queue.stats.running === 0 && holding.stats.active === 0, {
      what: 'page 2 to be aborted',
      detail: () => JSON.stringify({ queue: queue.stats, upstream: holding.stats }),
    });
    expect(pagesSeen(holding)).toEqual([1, 2]);
  });

  it('negative control: a request the queue has room for fetches every page', async () => {
    upstream = await startUpstream();
    const queue = new WorkQueue({ name: 'upstream-fetch', concurrency: 2, maxQueue: 6 });
    const pages = await scrapeThrough(upstream, queue, { pages: 8, concurrency: 8 });
    expect(pages.every((page) => 'title' in page)).toBe(true);
    expect(pagesSeen(upstream)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(queue.stats).toMatchObject({ queued: 0, running: 0, completed: 8, cancelled: 0 });
  });
});
