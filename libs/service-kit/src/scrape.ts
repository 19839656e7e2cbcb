import { extractTitle } from '@concurrency-lab/workloads';
import { QueueFullError, type WorkQueue } from '@concurrency-lab/queues';
import { trace } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { ProblemError } from './errors';
import { WAIT_EVENT_THRESHOLD_MS } from './lock-metrics';
import { mapBounded } from './map-bounded';

export type ScrapedPage =
  { url: string; title: string | null } | { url: string; error: { code: string; detail: string } };

export interface ScrapeOptions {
  upstreamUrl: string;
  pages: number;
  /** Fetches in flight per request. @default 8 */
  concurrency?: number;
  /** Per-page timeout. @default 5000 */
  pageTimeoutMs?: number;
  /**
   * The process-wide fetch queue: every page of every scrape request passes through it, so the
   * whole process has a bounded number of upstream sockets and a bounded backlog.
   */
  queue?: WorkQueue;
  signal: AbortSignal;
}

/**
 * How much of a page is read for its title. A title sits in the head; the whole body, read with
 * `response.text()`, had no bound but the page timeout — a page that never ends held memory
 * until then, and an HTML parser's cost grows with what it is given (htmlparser2 is quadratic
 * in nesting depth: 100,000 nested tags took 2.5 s of the event loop).
 */
export const MAX_PAGE_BYTES = 256 * 1024;

/**
 * The first `max` bytes of a response's body (all of it when shorter), as UTF-8; the rest is not
 * read.
 */
async function readPrefix(response: Response, max: number): Promise<string> {
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stops the download when the page is longer (a no-op once the body has ended).
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/**
 * The guide's web scraper: fetch `pages` pages concurrently (bounded per request, and
 * process-wide through `queue`) and extract each `<title>`. A failing page yields a per-page
 * error rather than failing the request; the caller decides what "every page failed" means.
 * A full queue fails the request with 503 `ERR_OVERLOADED` — the backlog is the bound.
 *
 * A scrape that fails early (a refused page, or any page throwing) cancels the pages it still
 * has in flight — queued ones leave the queue, running fetches are aborted — before it rejects:
 * a request already answered must not keep the shared queue full for nobody, or every refusal
 * would cause more. `options.signal` (the request's deadline) cancels them the same way.
 */
export async function scrapePages(options: ScrapeOptions): Promise<ScrapedPage[]> {
  const { upstreamUrl, pages, queue } = options;
  // The scrape's own abort, beside the request's: the one thing this adds per request.
  const scrape = new AbortController();
  const signal = AbortSignal.any([options.signal, scrape.signal]);
  const urls = Array.from({ length: pages }, (_, i) => `${upstreamUrl}/page/${i + 1}`);
  const fetchPage = async (url: string, pageSignal: AbortSignal): Promise<ScrapedPage> => {
    const page = pageAbort(pageSignal, options.pageTimeoutMs ?? 5000);
    try {
      const response = await fetch(url, { signal: page.signal });
      if (!response.ok) {
        await response.body?.cancel(); // its body is not wanted: not read
        return {
          url,
          error: { code: 'ERR_UPSTREAM_STATUS', detail: `upstream answered ${response.status}` },
        };
      }
      return { url, title: extractTitle(await readPrefix(response, MAX_PAGE_BYTES)) };
    } catch (error) {
      // The request was cancelled, or the scrape failed early: stop, not an upstream failure.
      if (signal.aborted) throw signal.reason;
      const e = error as Error & { cause?: { code?: string } };
      return {
        url,
        error: {
          code: e.name === 'TimeoutError' ? 'ERR_UPSTREAM_TIMEOUT' : 'ERR_UPSTREAM_UNREACHABLE',
          detail: e.cause?.code ?? e.message,
        },
      };
    } finally {
      page.done();
    }
  };
  try {
    return await mapBounded(
      urls,
      options.concurrency ?? 8,
      async (url): Promise<ScrapedPage> => {
        if (!queue) return fetchPage(url, signal);
        const submitted = performance.now();
        const span = trace.getActiveSpan();
        try {
          return await queue.run(
            (job) => {
              // Measured here, in the caller's terms: a long wait belongs on the request's span.
              const waitMs = performance.now() - submitted;
              if (waitMs >= WAIT_EVENT_THRESHOLD_MS) {
                span?.addEvent('queue.wait', { 'queue.name': queue.name, 'queue.wait_ms': waitMs });
              }
              return fetchPage(url, job.signal);
            },
            { signal },
          );
        } catch (error) {
          if (error instanceof QueueFullError) {
            throw new ProblemError(
              'ERR_OVERLOADED',
              `The upstream fetch queue is full (${queue.maxQueue} fetches waiting)`,
              { retryAfterSeconds: 1, shedReason: 'upstream_queue_full' },
            );
          }
          throw error;
        }
      },
      signal,
    );
  } catch (error) {
    // Take this request's other pages out of the shared queue and off the upstream now.
    scrape.abort(error);
    throw error;
  }
}

/**
 * A page fetch's signal: aborted by `signal` (its job's: the request, the scrape, the queue) or
 * after `timeoutMs` with a `TimeoutError`; `done()` clears both once the page is in. Not
 * `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: that timeout cannot be cleared, so every
 * page's timer fired `timeoutMs` after the page was done, made its `TimeoutError` and kept the
 * signals alive until then (measured on the kit benchmark's scrape load: see docs/design.md).
 */
function pageAbort(signal: AbortSignal, timeoutMs: number): { signal: AbortSignal; done(): void } {
  const page = new AbortController();
  if (signal.aborted) {
    page.abort(signal.reason);
    return { signal: page.signal, done: () => undefined };
  }
  const onAbort = (): void => page.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () =>
      page.abort(
        new DOMException(`The page did not arrive within ${timeoutMs} ms`, 'TimeoutError'),
      ),
    timeoutMs,
  );
  return {
    signal: page.signal,
    done: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
