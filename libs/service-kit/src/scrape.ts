import { extractTitle } from '@concurrency-lab/workloads';
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
  signal: AbortSignal;
}

/**
 * The guide's web scraper: fetch `pages` pages concurrently (bounded, so one request cannot open
 * unbounded sockets) and extract each `<title>`. A failing page yields a per-page error rather
 * than failing the request; the caller decides what "every page failed" means.
 */
export async function scrapePages(options: ScrapeOptions): Promise<ScrapedPage[]> {
  const { upstreamUrl, pages, signal } = options;
  const urls = Array.from({ length: pages }, (_, i) => `${upstreamUrl}/page/${i + 1}`);
  return mapBounded(
    urls,
    options.concurrency ?? 8,
    async (url): Promise<ScrapedPage> => {
      try {
        const response = await fetch(url, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.pageTimeoutMs ?? 5000)]),
        });
        const body = await response.text();
        if (!response.ok) {
          return {
            url,
            error: { code: 'ERR_UPSTREAM_STATUS', detail: `upstream answered ${response.status}` },
          };
        }
        return { url, title: extractTitle(body) };
      } catch (error) {
        // The request itself was cancelled: stop, do not report it as an upstream failure.
        if (signal.aborted) throw signal.reason;
        const e = error as Error & { cause?: { code?: string } };
        return {
          url,
          error: {
            code: e.name === 'TimeoutError' ? 'ERR_UPSTREAM_TIMEOUT' : 'ERR_UPSTREAM_UNREACHABLE',
            detail: e.cause?.code ?? e.message,
          },
        };
      }
    },
    signal,
  );
}
