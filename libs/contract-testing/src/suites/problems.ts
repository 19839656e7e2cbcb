import { describe, expect, it } from '@jest/globals';
import type { ContractContext } from '../contract-target';
import { expectProblem } from '../problem-assertions';
import { rawAnswer as raw, rawAnswerThenClose } from '../raw-answer';
import { pngClaiming, tinyPng } from '../test-images';

function upload(base: string, query: string, contentType: string, body: string | Buffer) {
  return fetch(`${base}/image/filter?${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

const UPLOAD = 'POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n';

/**
 * How long a refusal's connection may stay open after the answer before it counts as kept (the
 * service reading the rest of the body, or waiting for more): what it waits otherwise is
 * seconds (HTTP_REQUEST_TIMEOUT_MS, 30 s by default).
 */
const CLOSE_WITHIN_MS = 2000;

/** 8 MiB and one 64 KiB chunk more, chunked, its last chunk never sent: no Content-Length. */
function chunkedPastTheLimit(): Buffer {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const framed = Buffer.concat([
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from('\r\n'),
  ]);
  const chunks = (8 * 1024 * 1024) / chunk.length + 1;
  return Buffer.concat([
    Buffer.from(`${UPLOAD}Transfer-Encoding: chunked\r\n\r\n`),
    ...Array.from({ length: chunks }, () => framed),
  ]);
}

/** Unknown routes, wrong methods and bad uploads: problem+json with the contract's codes. */
export function describeProblems(ctx: ContractContext): void {
  describe('errors are problem+json with stable codes', () => {
    it('404s an unknown route', async () => {
      await expectProblem(await fetch(`${ctx.base()}/nope`), 404, 'ERR_NOT_FOUND');
    });

    it('404s /work/custom when the operator set no LAB_WORKLOAD', async () => {
      await expectProblem(await fetch(`${ctx.base()}/work/custom`), 404, 'ERR_NOT_FOUND');
    });

    it('405s a known route with the wrong method and says what is allowed', async () => {
      const response = await fetch(`${ctx.base()}/cpu/fib?n=1`, { method: 'DELETE' });
      expect(response.headers.get('allow')).toContain('GET');
      await expectProblem(response, 405, 'ERR_METHOD_NOT_ALLOWED');
    });

    it('415s an upload that is not image/png', async () => {
      const response = await upload(ctx.base(), 'filter=blur', 'text/plain', 'hello');
      await expectProblem(response, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('413s a 9 MiB body', async () => {
      const body = Buffer.alloc(9 * 1024 * 1024, 1);
      const response = await upload(ctx.base(), 'filter=blur', 'image/png', body);
      await expectProblem(response, 413, 'ERR_BODY_TOO_LARGE');
    });

    it('413s a body declared over 8 MiB on its headers alone, before a byte of it is sent, and closes', async () => {
      const { response, closed } = await rawAnswerThenClose(
        ctx.base(),
        `${UPLOAD}Content-Length: 9437184\r\n\r\n`,
        CLOSE_WITHIN_MS,
      );
      await expectProblem(response, 413, 'ERR_BODY_TOO_LARGE');
      // "A refusal given while a body is still arriving closes the connection without reading
      // the rest of it": the 9 MiB never come, and the service does not wait for them.
      expect(closed).toBe(true);
    });

    it('413s a chunked body as soon as it passes 8 MiB, its end never sent, and closes', async () => {
      // No Content-Length to refuse it by: the contract's "as soon as a chunked body passes
      // the limit". A service that waits for the body's end answers nothing here.
      const { response, closed } = await rawAnswerThenClose(
        ctx.base(),
        chunkedPastTheLimit(),
        CLOSE_WITHIN_MS,
      );
      await expectProblem(response, 413, 'ERR_BODY_TOO_LARGE');
      expect(closed).toBe(true);
    });

    it('400s an upload with no body at all as an empty image, not as the wrong type', async () => {
      const response = await raw(ctx.base(), `${UPLOAD}Connection: close\r\n\r\n`);
      await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
    });

    it('400s a request that is not HTTP/1.1 with a problem, not a bare status line, Connection: close', async () => {
      // The request does not ask to close: the header is the service's own.
      const response = await raw(ctx.base(), 'FOO / HTTP/1.1\r\nHost: t\r\n\r\n');
      expect(response.headers.get('connection')).toBe('close');
      await expectProblem(response, 400, 'ERR_INVALID_REQUEST');
    });

    it('400s a request line of HTTP/2.0 (which Node’s parser takes) with a problem, Connection: close', async () => {
      const response = await raw(ctx.base(), 'GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n');
      expect(response.headers.get('connection')).toBe('close');
      await expectProblem(response, 400, 'ERR_INVALID_REQUEST');
    });

    it('501s a transfer coding besides chunked, before any route and without reading the body, and closes', async () => {
      // Node's parser takes `gzip, chunked` and decodes the chunks only: read on, the body would
      // reach the route still gzip-coded. Its last chunk is never sent: the answer cannot wait.
      const { response, closed } = await rawAnswerThenClose(
        ctx.base(),
        `${UPLOAD}Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nabcde\r\n`,
        CLOSE_WITHIN_MS,
      );
      expect(response.headers.get('connection')).toBe('close');
      await expectProblem(response, 501, 'ERR_NOT_IMPLEMENTED');
      expect(closed).toBe(true);
    });

    it('417s an Expect other than 100-continue with a problem, not a bare status line', async () => {
      const response = await raw(
        ctx.base(),
        'GET /healthz HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n',
      );
      await expectProblem(response, 417, 'ERR_EXPECTATION_FAILED');
    });

    it('431s request headers over HTTP_MAX_HEADER_SIZE (16 KiB by default), with a problem, Connection: close', async () => {
      const big = 'a'.repeat(20 * 1024);
      // The request does not ask to close: the header is the service's own.
      const response = await raw(
        ctx.base(),
        `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${big}\r\n\r\n`,
      );
      expect(response.headers.get('connection')).toBe('close');
      await expectProblem(response, 431, 'ERR_HEADERS_TOO_LARGE');
    });

    it('400s a chunked body whose framing is broken, with a problem', async () => {
      const response = await raw(
        ctx.base(),
        `${UPLOAD}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
      );
      await expectProblem(response, 400, 'ERR_INVALID_BODY');
    });

    it('400s a body that is not the gzip its Content-Encoding says', async () => {
      const response = await fetch(`${ctx.base()}/image/filter?filter=blur`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'content-encoding': 'gzip' },
        body: tinyPng(),
      });
      const problem = await expectProblem(response, 400, 'ERR_INVALID_BODY');
      expect(problem.detail).toContain('gzip');
    });

    it('413s a PNG whose header claims more than 4096×4096, before decoding it', async () => {
      const response = await upload(ctx.base(), 'filter=blur', 'image/png', pngClaiming(5000));
      await expectProblem(response, 413, 'ERR_IMAGE_TOO_LARGE');
    });

    it('400s a body that is not a PNG', async () => {
      const response = await upload(ctx.base(), 'filter=blur', 'image/png', 'not a png');
      await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
    });

    it('400s a PNG with a valid header and corrupt data, wherever it is decoded', async () => {
      const png = Buffer.from(tinyPng());
      png.fill(0x55, 40, png.length - 12);
      const response = await upload(ctx.base(), 'filter=blur', 'image/png', png);
      await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
    });

    it('400s an unknown filter on upload before reading the body', async () => {
      const response = await upload(ctx.base(), 'filter=sepia', 'image/png', tinyPng());
      const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
      expect(problem.detail).toContain('`filter`');
    });

    it('400s an unknown filter on upload while its body is still arriving, and closes', async () => {
      const { response, closed } = await rawAnswerThenClose(
        ctx.base(),
        'POST /image/filter?filter=sepia HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n' +
          'Content-Length: 100\r\n\r\nabc',
        CLOSE_WITHIN_MS,
      );
      await expectProblem(response, 400, 'ERR_INVALID_PARAM');
      expect(closed).toBe(true);
    });
  });
}
