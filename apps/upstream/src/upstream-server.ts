import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pageFates } from './page-fate';
import { parsePageQuery } from './parse-page-query';
import { renderError, renderIndex, renderPage } from './render-pages';
import { splitRequestTarget } from './request-target';
import { resolveUpstreamOptions, type UpstreamOptions } from './upstream-options';

export { DEFAULT_UPSTREAM_OPTIONS, upstreamOptionsFromEnv } from './upstream-options';
export type { UpstreamOptions } from './upstream-options';

const HTML = 'text/html; charset=utf-8';
const PAGE_PATH = /^\/page\/([1-9]\d{0,4})$/;

function send(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  headers?: http.OutgoingHttpHeaders,
): void {
  send(res, status, HTML, renderError(status, message), headers);
}

/**
 * Runs `respond` after `delayMs`, unless the client goes away first: the timer is cleared on
 * the response's `close`, so an aborted request leaves no orphan timer behind and neither
 * `server.close()` nor process exit waits on one.
 */
function respondAfter(res: http.ServerResponse, delayMs: number, respond: () => void): void {
  if (delayMs === 0) {
    respond();
    return;
  }
  const due = performance.now() + delayMs;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    // Node timers run off libuv's cached millisecond clock and can fire up to ~1 ms early;
    // re-arm for the remainder so "at least latencyMs" is a guarantee, not a tendency.
    const remaining = due - performance.now();
    if (remaining > 0) {
      timer = setTimeout(fire, Math.ceil(remaining));
      return;
    }
    timer = undefined;
    respond();
  };
  res.once('close', () => clearTimeout(timer));
  timer = setTimeout(fire, delayMs);
}

/**
 * The reset fault: a 200 with its full Content-Length, half the body, then a TCP RST. The
 * client has already accepted the answer when it breaks, so it must handle an error while
 * reading a body, not only a refused or failed request.
 */
function resetMidBody(res: http.ServerResponse, page: Buffer, head: boolean): void {
  res.writeHead(200, { 'content-type': HTML, 'content-length': page.length });
  const socket = res.socket;
  // A HEAD's answer has no body to cut, and node:http ignores its write() without sending the
  // headers: end it, so the client gets the GET's status and headers, then the reset.
  if (head) res.end(() => socket?.resetAndDestroy());
  else res.write(page.subarray(0, page.length >> 1), () => socket?.resetAndDestroy());
}

/**
 * A small local website for the scraper example, tests and the load lab:
 * `GET /` (index), `GET /page/:i` (1..pages, with latency, jitter and failures),
 * `GET /healthz`; each also as HEAD (the GET's status and headers, no body: a HEAD to a page is
 * a page request, so it draws its numbers and waits its latency), and each also by an
 * absolute-form target (`GET http://host/page/1`). Other methods get a 405 with
 * `Allow: GET, HEAD`. Page requests accept `?latency=ms` (0..10000, replaces latency and jitter)
 * and `?fail=1` (forces a failure). The fault switches (`spikeRate`, `resetRate`, off by default)
 * add latency spikes and connection resets on top.
 *
 * Each page request's fate is drawn from `seed` in arrival order ({@link pageFates}), so the
 * n-th page request has the same fate on every run with the same options — and switching a fault
 * on does not change which requests fail or how much jitter they get.
 *
 * @throws when an option is out of range.
 */
export function createUpstreamServer(options?: Partial<UpstreamOptions>): http.Server {
  const config = resolveUpstreamOptions(options);
  const fateOf = pageFates(config);
  const index = Buffer.from(renderIndex(config.pages));
  // Rendered lazily and kept: rendering on every request would add CPU work to the
  // upstream that the load lab would then wrongly attribute to the model under test.
  const pageCache = new Map<number, Buffer>();

  return http.createServer((req, res) => {
    // HEAD takes the GET path whole (RFC 9110 §9.1: a general-purpose server MUST support it):
    // same status and headers, Content-Length included; node:http drops the body itself.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, `Method ${req.method ?? ''} not allowed`, { allow: 'GET, HEAD' });
      return;
    }
    const { path, search } = splitRequestTarget(req.url ?? '/');

    if (path === '/') {
      send(res, 200, HTML, index);
      return;
    }
    if (path === '/healthz') {
      send(res, 200, 'text/plain; charset=utf-8', 'ok');
      return;
    }
    const match = PAGE_PATH.exec(path);
    const i = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    if (!(i >= 1 && i <= config.pages)) {
      sendError(res, 404, `No page at ${path}: pages run from /page/1 to /page/${config.pages}`);
      return;
    }
    const query = parsePageQuery(search);
    if ('error' in query) {
      sendError(res, 400, query.error);
      return;
    }

    const { failed, spiked, reset, delayMs } = fateOf(query);

    // Said on the answer, so a client (and a test) can tell a spike from a slow machine.
    if (spiked) res.setHeader('x-upstream-fault', 'spike');
    respondAfter(res, delayMs, () => {
      if (failed) {
        sendError(res, config.failureStatus, `Page ${i} is temporarily unavailable`);
        return;
      }
      let page = pageCache.get(i);
      if (page === undefined) {
        page = Buffer.from(renderPage(i, config.pages));
        pageCache.set(i, page);
      }
      if (reset) resetMidBody(res, page, req.method === 'HEAD');
      else send(res, 200, HTML, page);
    });
  });
}
