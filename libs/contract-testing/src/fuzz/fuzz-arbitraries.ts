import fc from 'fast-check';
import { PARAM_CASES } from '../param-cases';
import { pngClaiming, tinyPng } from '../test-images';
import { CONTRACT_ENDPOINTS as ENDPOINTS, contractRefusal } from './contract-refusal';
import type { BodyFraming, FuzzRequest } from './fuzz-request';

/** Every route of the contract (docs/contract.md), work routes and probes. */
export const FUZZ_ROUTES = [
  ...new Set(PARAM_CASES.map((c) => c.path)),
  '/counter',
  '/healthz',
  '/readyz',
  '/metrics',
  '/info',
] as const;

/**
 * Valid values that cost little on every model (fib ≤ 25, sleeps ≤ 20 ms, 5 pages): the fuzz
 * is about input handling, and a case that legitimately takes seconds would only slow it down.
 */
const CHEAP_VALID: Record<string, fc.Arbitrary<string>> = {
  n: fc.integer({ min: 0, max: 25 }).map(String),
  limit: fc.integer({ min: 2, max: 100_000 }).map(String),
  filter: fc.constantFrom('blur', 'sharpen', 'contour', 'emboss', 'grayscale'),
  size: fc.integer({ min: 16, max: 64 }).map(String),
  ms: fc.integer({ min: 0, max: 20 }).map(String),
  pages: fc.integer({ min: 1, max: 5 }).map(String),
  times: fc.integer({ min: 1, max: 1000 }).map(String),
  safe: fc.constantFrom('true', 'false'),
};
const PARAM_NAMES = Object.keys(CHEAP_VALID);

/**
 * Any code points folded to single bytes (latin1, as they go on the wire), without ASCII digits
 * — a random value is never a valid but expensive number — and without CR/LF, which would end
 * the request line or a header: framing attacks on Node's parser are not what this tests.
 */
const noDigits = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).map((s) =>
    String.fromCharCode(...[...s].map((c) => (c.codePointAt(0) ?? 0) & 0xff))
      .replace(/[0-9]/g, 'x')
      .replace(/[\r\n]/g, ' '),
  );

/** A byte string (latin1) that is not valid UTF-8: lone continuation bytes, overlongs. */
const invalidUtf8 = fc.constantFrom(
  '\xff',
  '\xc3\x28',
  '\xe2\x82',
  '\xc0\xaf',
  '\xed\xa0\x80',
  '\x80abc',
);

const weirdValue = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '1e3',
    '0x10',
    '+1',
    '01',
    '1.5',
    '-1',
    '-0',
    'NaN',
    'Infinity',
    '1_000',
    '99999999999999999999999',
    '%',
    '%zz',
    '%00',
    '%FF',
    '%C3%28',
    '%E2%82',
    'TRUE',
    'BLUR',
    '[]',
    '{}',
    'null',
    'undefined',
    '__proto__',
  ),
  noDigits(12).map(encodeURIComponent),
  noDigits(6), // raw: spaces, controls and 0x80–0xFF straight into the request line
  invalidUtf8,
  invalidUtf8.map((s) => encodeURIComponent(s).replace(/%C2|%C3/g, '')),
  fc.nat({ max: 20_000 }).map((n) => 'a'.repeat(n)),
);

const weirdKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    '__proto__[n]',
    'constructor[prototype][n]',
    'n[]',
    'n[0]',
    'a[b][c]',
    'hasOwnProperty',
    'toString',
    '',
    'N',
    '%6E', // `n`, percent-encoded
  ),
  noDigits(8).map(encodeURIComponent),
  invalidUtf8,
);

/** `key=value` pairs: mostly the route's own names, sometimes repeated, unknown or mangled. */
const queryPairs = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...PARAM_NAMES)
        .chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.oneof({ weight: 3, arbitrary: CHEAP_VALID[k] as fc.Arbitrary<string> }, weirdValue),
          ),
        ),
    },
    { weight: 1, arbitrary: fc.tuple(weirdKey, fc.oneof(weirdValue, fc.constant('1'))) },
  ),
  { maxLength: 5 },
);

/** The params a route needs, valid — the base many cases mutate one thing of. */
function validQuery(method: string, path: string): fc.Arbitrary<Array<[string, string]>> {
  const names = [...new Set(PARAM_CASES.filter((c) => c.path === path).map((c) => c.param))];
  // The upload takes `filter` only; `size` belongs to the generated-image GET.
  const used = method === 'POST' && path === '/image/filter' ? ['filter'] : names;
  return fc
    .tuple(...used.map((n) => CHEAP_VALID[n] as fc.Arbitrary<string>))
    .map((values) => used.map((n, i): [string, string] => [n, values[i] as string]));
}

const path = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...FUZZ_ROUTES) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...FUZZ_ROUTES),
        fc.constantFrom('/', '//', '/.', '/..', '/%2e%2e', '%00', '/x', '.json', ';a=b'),
      )
      .map(([p, s]) => `${p}${s}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...FUZZ_ROUTES), invalidUtf8).map(([p, s]) => `${p}/${s}`),
  },
  // Very long paths: past 16 KiB the whole head is over Node's limit (431).
  { weight: 1, arbitrary: fc.nat({ max: 12_000 }).map((n) => `/cpu/fib${'/x'.repeat(n)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      '/',
      '',
      'http://evil.example/cpu/fib',
      '//cpu/fib',
      '/CPU/FIB',
    ),
  },
);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'HEAD',
      'PUT',
      'PATCH',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'get',
      'SEARCH',
      'PROPFIND',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z!#$%&'*+.^_|~-]{1,12}$/) },
);

const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  noDigits(40).map((s) => s.replace(/\0/g, ' ')),
  invalidUtf8,
  fc.nat({ max: 20_000 }).map((n) => 'v'.repeat(n)),
);

const contentType = fc.constantFrom(
  'image/png',
  'IMAGE/PNG',
  'image/png; charset=utf-8',
  'image/png; charset=bogus',
  'text/plain',
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'image/',
  '*/*',
);

const header: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('Content-Type'), contentType) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constant('Accept'),
      fc.constantFrom(
        'application/openmetrics-text; version=1.0.0',
        'application/openmetrics-text; version=99',
        'text/plain;q=0',
        '*/*',
        'application/json',
        '',
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constant('Content-Encoding'),
      fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'bogus'),
    ),
  },
  // 100-continue gets an interim answer first; anything else is Node's own 417.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', 'bogus')),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constant('traceparent'),
      fc.oneof(
        fc
          .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/))
          .map(([t, s]) => `00-${t}-${s}-01`),
        fc.constantFrom('00-00000000000000000000000000000000-0000000000000000-01', 'ff-x-y-z', ''),
        headerValue,
      ),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom(
        'X-Forwarded-For',
        'Cookie',
        'Range',
        'If-None-Match',
        'Authorization',
        'Origin',
      ),
      headerValue,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), headerValue),
  },
);

/** Bodies: random bytes called PNG, real PNGs, PNGs claiming huge sides, cut PNGs. */
const bodyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  fc.constant(new Uint8Array(tinyPng())),
  fc
    .constantFrom(0, 1, 4096, 4097, 5000, 65_535, 0x7fffffff, 0xffffffff)
    .map((side) => new Uint8Array(pngClaiming(side))),
  fc.nat({ max: 200 }).map((n) => new Uint8Array(tinyPng().subarray(0, n))),
  fc
    .uint8Array({ maxLength: 2048 })
    .map((junk) => new Uint8Array(Buffer.concat([tinyPng().subarray(0, 33), junk]))),
  fc.nat({ max: 65_536 }).map((n) => new Uint8Array(n).fill(0xff)),
);

const body = fc.record({
  bytes: bodyBytes,
  framing: fc.constantFrom<BodyFraming>(
    'length',
    'length',
    'length',
    'chunked',
    'truncated-length',
    'truncated-chunk',
    'bad-chunk-size',
    'declared-huge',
  ),
  chunkSize: fc.integer({ min: 1, max: 4096 }),
});

/** `arbitrary`'s value `yes` times in `yes + no`, else null. */
function sometimes<T>(yes: number, no: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: yes, arbitrary }, { weight: no, arbitrary: fc.constant(null) });
}

function target(p: string, pairs: Array<[string, string]>): string {
  return pairs.length === 0 ? p : `${p}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

/**
 * A well-formed request to one endpoint with valid, cheap parameters and at most one thing
 * changed (an extra or repeated parameter, odd headers, a body) — so the fuzz reaches the
 * handlers, not only the validation in front of them. Uploads mostly carry a PNG-ish body.
 */
const nearValid: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...ENDPOINTS).chain(([m, p]) => {
  const upload = m === 'POST' && p === '/image/filter';
  return fc
    .record({
      query: validQuery(m, p),
      extra: sometimes(
        1,
        2,
        fc.tuple(fc.constantFrom(...PARAM_NAMES, '__proto__', 'constructor'), weirdValue),
      ),
      headers: fc.array(header, { maxLength: 2 }),
      body: upload ? sometimes(6, 1, body) : sometimes(1, 4, body),
      contentType: fc.oneof({ weight: 5, arbitrary: fc.constant('image/png') }, contentType),
    })
    .map((r): FuzzRequest => {
      const pairs = r.extra ? [...r.query, r.extra] : r.query;
      // Most uploads say image/png (the route's own type); the rest say something else.
      const headers: Array<[string, string]> = upload
        ? [['Content-Type', r.contentType], ...r.headers]
        : r.headers;
      return { method: m, target: target(p, pairs), headers, ...(r.body ? { body: r.body } : {}) };
    });
});

/** Any method, path, query, headers and body, in any combination. */
const anything: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method,
    path,
    pairs: queryPairs,
    headers: fc.array(header, { maxLength: 6 }),
    manyHeaders: fc.nat({ max: 150 }),
    body: sometimes(1, 1, body),
  })
  .map((r): FuzzRequest => {
    const headers = [...r.headers];
    // Sometimes a great many headers (well under the 1,000 header lines past which the head is a
    // 431, MAX_HEADER_LINES): the parser and the response headers must cope.
    if (r.manyHeaders > 140)
      for (let i = 0; i < r.manyHeaders; i++) headers.push([`X-Fuzz-${i}`, String(i)]);
    return {
      method: r.method,
      target: target(r.path, r.pairs),
      headers,
      ...(r.body ? { body: r.body } : {}),
    };
  });

/**
 * One generated request: half near-valid, half anything. Each case the contract must refuse
 * carries that refusal (`contractRefusal`), for the verdict to hold it to the right 4xx: many
 * cases are built to be refused, and a service that accepted them all must not pass.
 */
export function fuzzRequest(): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(nearValid, anything).map((request) => {
    const refusal = contractRefusal(request);
    return refusal ? { ...request, refusal } : request;
  });
}
