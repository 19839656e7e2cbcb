import { describe, expect, it } from '@jest/globals';
import {
  encodeRequest,
  fuzzViolation,
  type FuzzRequest,
  type RawOutcome,
  type VerdictOptions,
} from '../src/fuzz/index';

const get: FuzzRequest = { method: 'GET', target: '/cpu/fib', headers: [] };
const answer = (status: number, headers: Record<string, string> = {}, body = ''): RawOutcome => ({
  kind: 'answer',
  status,
  headers,
  body,
});
const problem = (
  status: number,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) =>
  answer(
    status,
    { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
    JSON.stringify({ type: 't', title: 'T', status, detail: 'd', code: 'ERR_X', ...fields }),
  );

const hang: RawOutcome = { kind: 'timeout', received: '' };
const closed: RawOutcome = { kind: 'closed', detail: 'end' };

describe('fuzzViolation', () => {
  it.each([
    ['a 200', answer(200)],
    ['a 204', answer(204)],
    ['a well-formed 400 problem', problem(400)],
    ['a 431 problem past the header limit', problem(431), { maxHeaderSize: 20 }],
    ['a 503 problem with Retry-After', problem(503, {}, { 'retry-after': '1' })],
  ])('accepts %s', (_label, outcome, options: VerdictOptions = {}) => {
    expect(fuzzViolation(get, outcome, options)).toBeUndefined();
  });

  it.each([
    ['a 500', problem(500, { code: 'ERR_INTERNAL' }), /^status 500/],
    ['a 502', answer(502), /^status 502/],
    ['a 504', problem(504), /^status 504/],
    ['a 301', answer(301), /^status 301/],
    ['a 431 for a head within the header limit', problem(431), /^a 431 for a head of 61 bytes/],
    ['a 503 without Retry-After', problem(503), /Retry-After/],
    [
      'a 503 whose Retry-After is not seconds',
      problem(503, {}, { 'retry-after': 'banana' }),
      /Retry-After/,
    ],
    [
      'a bare 400 (what Node answers itself)',
      answer(400, { connection: 'close' }),
      /not problem\+json/,
    ],
    [
      'a 404 page',
      answer(404, { 'content-type': 'text/html' }, '<h1>no</h1>'),
      /not problem\+json/,
    ],
    [
      'a 400 in plain JSON',
      answer(400, { 'content-type': 'application/json' }, '{"error":"bad"}'),
      /not problem\+json/,
    ],
    ['a stack frame', answer(400, {}, 'Error: x\n    at fn (/app/dist/a.js:12:5)'), /stack trace/],
    ['a node:internal path', answer(400, {}, 'node:internal/errors'), /stack trace/],
    [
      'a problem that is not JSON',
      answer(400, { 'content-type': 'application/problem+json' }, '{'),
      /not JSON/,
    ],
    ['a problem without a code', problem(400, { code: 1 }), /valid code/],
    ['a problem whose status differs', problem(400, { status: 404 }), /valid status/],
    ['a problem with a field more', problem(400, { instance: '/x' }), /does not have \(instance\)/],
    ['a hang', hang, /deadline/],
    ['a close without answer', closed, /without an answer/],
  ])('refuses %s', (_label, outcome, reason) => {
    expect(fuzzViolation(get, outcome)).toMatch(reason);
  });

  it('allows a 304 only to a GET or HEAD sent If-None-Match: * (the services send no validators)', () => {
    const ifNoneExists = (method: string, value = '*'): FuzzRequest => ({
      ...get,
      method,
      headers: [['if-none-match', value]],
    });
    expect(fuzzViolation(ifNoneExists('GET'), answer(304))).toBeUndefined();
    expect(fuzzViolation(ifNoneExists('HEAD', ' * '), answer(304))).toBeUndefined();
    expect(fuzzViolation(ifNoneExists('GET'), answer(200))).toBeUndefined();
    expect(fuzzViolation(get, answer(304))).toMatch(/^status 304/);
    expect(fuzzViolation(ifNoneExists('POST'), answer(304))).toMatch(/^status 304/);
    expect(fuzzViolation(ifNoneExists('GET', 'W/"a"'), answer(304))).toMatch(/^status 304/);
    expect(
      fuzzViolation(
        {
          ...get,
          headers: [
            ['If-None-Match', '*'],
            ['If-None-Match', '"a"'],
          ],
        },
        answer(304),
      ),
    ).toMatch(/^status 304/);
  });

  it('allows a 431 for a head past either limit, its bytes or its 1,000 header lines, and no other', () => {
    const tooLarge = problem(431);
    // `Host` and `Connection` are lines of the head too: 998 more make 1,000, 999 make 1,001.
    const withLines = (lines: number): FuzzRequest => ({
      ...get,
      headers: Array.from({ length: lines - 2 }, (): [string, string] => ['a', '']),
    });
    expect(fuzzViolation(withLines(1001), tooLarge)).toBeUndefined();
    expect(fuzzViolation(withLines(1000), tooLarge)).toMatch(
      /^a 431 for a head of \d+ bytes and 1000 header lines, within HTTP_MAX_HEADER_SIZE \(16384\) and 1000 lines/,
    );
    // 1,001 lines in about 5 KB: the lines alone make it right, far under the bytes.
    expect(encodeRequest(withLines(1001)).length).toBeLessThan(6000);
    expect(fuzzViolation(withLines(3), tooLarge)).toMatch(/^a 431 for a head of \d+ bytes/);
    expect(fuzzViolation(withLines(3), tooLarge, { maxHeaderSize: 20 })).toBeUndefined();
  });

  it('allows a 501 only for a Transfer-Encoding naming a coding besides its last chunked', () => {
    const notImplemented = problem(501, { code: 'ERR_NOT_IMPLEMENTED' });
    const coded = (value: string, framing?: 'chunked' | 'length'): FuzzRequest => ({
      ...get,
      headers: [['Transfer-Encoding', value]],
      ...(framing ? { body: { bytes: new Uint8Array(4), framing, chunkSize: 2 } } : {}),
    });
    // The framing's own `chunked` comes after the request's line: `gzip, chunked`.
    for (const request of [
      coded('gzip', 'chunked'),
      coded('bogus, chunked'),
      coded('GZIP, Chunked'),
      {
        ...get,
        headers: [
          ['transfer-encoding', 'br'],
          ['transfer-encoding', 'chunked'],
        ],
      },
    ] as FuzzRequest[])
      expect([request.headers, fuzzViolation(request, notImplemented)]).toEqual([
        request.headers,
        undefined,
      ]);
    for (const request of [
      get,
      coded('chunked'),
      coded('CHUNKED'),
      coded(', chunked'),
      // Not framed at all: a 400, not a 501.
      coded('gzip'),
      coded('chunked, gzip'),
      coded('gzip', 'length'),
    ])
      expect([request.headers, fuzzViolation(request, notImplemented)]).toEqual([
        request.headers,
        expect.stringMatching(/^status 501/),
      ]);
  });

  it("refuses CONNECT's close (the services answer it) and allows a HEAD's empty problem", () => {
    expect(fuzzViolation({ ...get, method: 'CONNECT' }, { kind: 'closed', detail: 'end' })).toMatch(
      /without an answer/,
    );
    const head = answer(405, { 'content-type': 'application/problem+json' }, '');
    expect(fuzzViolation({ ...get, method: 'HEAD' }, head)).toBeUndefined();
    expect(fuzzViolation(get, head)).toMatch(/not JSON/);
    // A HEAD error still says what its GET would be: problem+json.
    expect(fuzzViolation({ ...get, method: 'HEAD' }, answer(405))).toMatch(/not problem\+json/);
  });
});
