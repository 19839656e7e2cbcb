import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import {
  contractRefusal,
  encodeRequest,
  fuzzViolation,
  rawExchange,
  runFuzz,
  type FuzzRequest,
  type RawOutcome,
} from '../src/fuzz/index';
import { PARAM_CASES, queryString } from '../src/param-cases';

const request = (
  method: string,
  target: string,
  headers: Array<[string, string]> = [],
  framing?: NonNullable<FuzzRequest['body']>['framing'],
): FuzzRequest => ({
  method,
  target,
  headers,
  ...(framing ? { body: { bytes: new Uint8Array(8), framing, chunkSize: 4 } } : {}),
});

/** As the generator hands it out: tagged with its refusal when the contract has one. */
const tagged = (r: FuzzRequest): FuzzRequest => {
  const refusal = contractRefusal(r);
  return refusal ? { ...r, refusal } : r;
};

const problem = (
  status: number,
  code: string,
  headers: Record<string, string> = {},
): RawOutcome => ({
  kind: 'answer',
  status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  body: JSON.stringify({ type: 't', title: 'T', status, detail: 'd', code }),
});
const ok: RawOutcome = {
  kind: 'answer',
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"result":0}',
};
const headAnswer = (status: number): RawOutcome => ({
  kind: 'answer',
  status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  body: '',
});

describe('contractRefusal', () => {
  // What docs/contract.md requires, each case answered so by the real services (async-service),
  // under the answer it must get: its status and code.
  const refused: Record<string, Array<[string, FuzzRequest]>> = {
    '400 ERR_INVALID_PARAM': [
      ['an int out of range', request('GET', '/cpu/fib?n=-1')],
      ['an int past 2^53', request('GET', '/cpu/fib?n=99999999999999999999999')],
      ['a malformed escape', request('GET', '/cpu/primes?limit=%zz')],
      ['a missing parameter', request('GET', '/mixed?ms=1')],
      ['a repeated parameter', request('GET', '/io/sleep?ms=1&ms=1')],
      ['a key decoding to a repeat', request('GET', '/cpu/fib?n=1&%6E=1')],
      ['an unknown key on a work route', request('GET', '/cpu/fib?n=1&x=1')],
      ['`__proto__` as a key', request('POST', '/counter/increment?times=1&safe=true&__proto__=1')],
      ['an empty key', request('GET', '/cpu/fib?=1&n=5')],
      ['a key on /counter', request('DELETE', '/counter?x=1')],
      // node:querystring drops every pair past its 1,000th unless told otherwise; the services
      // read them all.
      [
        'an unknown key past 1,000 empty pairs',
        request('GET', `/cpu/fib?n=5${'&'.repeat(1000)}bogus=1`),
      ],
      [
        'a repeated key past 1,000 empty pairs',
        request('POST', `/counter/increment?times=5&safe=true${'&'.repeat(1000)}times=5`),
      ],
      ['size on the upload', request('POST', '/image/filter?filter=blur&size=16')],
      ['an enum in the wrong case', request('HEAD', '/image/filter?filter=BLUR&size=16')],
    ],
    '404 ERR_NOT_FOUND': [
      ['a path of no route', request('GET', '/cpu/fib.json?n=1')],
      ['a path in the wrong case', request('GET', '/CPU/FIB')],
      ['two trailing slashes', request('GET', '/cpu/fib//?n=1')],
      ['`*`', request('OPTIONS', '*')],
    ],
    '405 ERR_METHOD_NOT_ALLOWED': [
      ['a method a route lacks', request('PUT', '/cpu/fib?n=1')],
      ['HEAD on a POST route', request('HEAD', '/counter/increment')],
      ['POST on a probe', request('POST', '/healthz?x=1')],
    ],
    '400 ERR_INVALID_REQUEST': [
      ['a non-ASCII byte in the path', request('GET', '/cpu/fib/\xff')],
      ['a target of no form', request('GET', '?n=1')],
      ['a control in a header value', request('GET', '/cpu/fib?n=1', [['X-A', '\x01']])],
    ],
    '417 ERR_EXPECTATION_FAILED': [
      ['Expect other than 100-continue', request('GET', '/healthz', [['Expect', 'bogus']])],
      [
        'Expect with 100-continue inside a longer token',
        request('GET', '/healthz', [['Expect', 'x100-continuey']]),
      ],
    ],
  };
  it.each(
    Object.entries(refused).flatMap(([answer, cases]) =>
      cases.map(([label, r]) => [label, answer, r] as const),
    ),
  )('tags %s: %s', (_label, answer, r) => {
    const [status, code] = answer.split(' ');
    expect(contractRefusal(r)?.answers[0]).toEqual({ status: Number(status), code });
  });

  // Accepted by the contract and the services, or not the contract's to say.
  it.each([
    ['a valid query', request('GET', '/cpu/fib?n=25')],
    ['one trailing slash (the route itself)', request('GET', '/cpu/fib/?n=25')],
    ['a key that decodes to the parameter', request('GET', '/cpu/fib?%6E=25')],
    [
      'spaces after the target (the parser takes them as the separator)',
      request('GET', '/cpu/fib?n=5  '),
    ],
    ['an unknown key on a probe (probes read no query)', request('GET', '/healthz?bogus=1')],
    ['`__proto__` on /metrics', request('GET', '/metrics?__proto__=1')],
    ['HEAD on a GET route', request('HEAD', '/info')],
    [
      'If-None-Match: * (a 304 may answer it)',
      request('GET', '/counter', [['If-None-Match', '*']]),
    ],
    [
      'Expect: 100-continue among others',
      request('GET', '/healthz', [
        ['Expect', 'bogus'],
        ['Expect', '100-continue'],
      ]),
    ],
    // A member is 100-continue, so Node goes on (RFC 9110 §10.1.1: a 417 for `foo` only "MAY").
    [
      'Expect: 100-continue, foo in one field',
      request('GET', '/healthz', [['Expect', '100-continue, foo']]),
    ],
    ['a fragment in the query (Express drops it)', request('GET', '/cpu/fib?n=5#x')],
    ['a dot segment (normalised away by RFC 3986)', request('GET', '/cpu/fib/.?n=5')],
    ['absolute form', request('GET', 'http://evil.example/cpu/fib?n=5')],
    ['CONNECT (Node answers it apart)', request('CONNECT', '/cpu/fib')],
    ['a method Node does not know', request('get', '/nope')],
    ['a framing header of its own', request('GET', '/nope', [['Content-Length', 'x']])],
    ['/work/custom (only with LAB_WORKLOAD)', request('GET', '/work/custom?i=x')],
    ['a valid upload query, whatever its body', request('POST', '/image/filter?filter=blur')],
  ])('leaves untagged %s', (_label, r) => {
    expect(contractRefusal(r)).toBeUndefined();
  });

  // A correct service answers 200 at a parameter's bounds: tagged, it would be failed for it.
  it.each(PARAM_CASES.map((c) => [`${c.method} ${c.path} ${c.param}`, c] as const))(
    'leaves %s untagged at its bounds (min and max; an enum: each value), tags it past them',
    (_label, c) => {
      const target = (value: string) => `${c.path}${queryString({ ...c.base, [c.param]: value })}`;
      const accepted = c.kind === 'int' ? [String(c.min), String(c.max)] : [...c.values];
      const refused =
        c.kind === 'int' ? [String(c.min - 1), String(c.max + 1)] : [`${c.values[0]}x`];
      for (const value of accepted) {
        const t = target(value);
        expect([t, contractRefusal(request(c.method, t))]).toEqual([t, undefined]);
      }
      for (const value of refused) {
        const t = target(value);
        expect([t, contractRefusal(request(c.method, t))?.answers]).toEqual([
          t,
          [{ status: 400, code: 'ERR_INVALID_PARAM' }],
        ]);
      }
    },
  );

  // The services leave `Expect` to Node (service-kit's service.ts: 'checkContinue' goes on,
  // 'checkExpectation' is the 417), so the tag must split the values exactly as Node does.
  it('tags an Expect value 417 exactly when a real Node server answers it 417', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    const port = Number(new URL(await listen(server)).port);
    try {
      const values = [
        '100-continue',
        '100-CONTINUE',
        '100-continue, foo',
        'foo, 100-continue',
        'x-100-continue',
        'x100-continuey',
        '100-continuey',
        'bogus',
      ];
      const seen: Array<[string, number | string, number | undefined]> = [];
      for (const value of values) {
        const r = request('GET', '/healthz', [['Expect', value]]);
        const outcome = await rawExchange(port, encodeRequest(r), {
          deadlineMs: 2000,
          halfClose: false,
          head: false,
        });
        const status = outcome.kind === 'answer' ? outcome.status : outcome.kind;
        seen.push([value, status, contractRefusal(r)?.answers[0]?.status]);
      }
      expect(seen).toEqual([
        ['100-continue', 200, undefined],
        ['100-CONTINUE', 200, undefined],
        ['100-continue, foo', 200, undefined],
        ['foo, 100-continue', 200, undefined],
        ['x-100-continue', 200, undefined],
        ['x100-continuey', 417, 417],
        ['100-continuey', 417, 417],
        ['bogus', 417, 417],
      ]);
    } finally {
      await close(server);
    }
  });

  it('lets a body cut short or misframed be refused as such first', () => {
    for (const framing of ['truncated-length', 'bad-chunk-size'] as const) {
      expect(contractRefusal(request('GET', '/cpu/fib?n=-1', [], framing))?.answers).toEqual([
        { status: 400, code: 'ERR_INVALID_PARAM' },
        { status: 400, code: 'ERR_INVALID_BODY' },
        { status: 400, code: 'ERR_INVALID_REQUEST' },
      ]);
    }
    expect(contractRefusal(request('GET', '/cpu/fib?n=-1', [], 'length'))?.answers).toHaveLength(1);
  });
});

describe('fuzzViolation of a case the contract refuses', () => {
  // [case, what the real services answer it (async-service, seen on the wire)]
  const cases: Array<[string, FuzzRequest, RawOutcome]> = [
    ['n=-1', request('GET', '/cpu/fib?n=-1'), problem(400, 'ERR_INVALID_PARAM')],
    [
      'a huge n',
      request('GET', '/cpu/fib?n=99999999999999999999999'),
      problem(400, 'ERR_INVALID_PARAM'),
    ],
    ['n=%zz', request('GET', '/cpu/fib?n=%zz'), problem(400, 'ERR_INVALID_PARAM')],
    ['an unknown route', request('GET', '/cpu/fib/x'), problem(404, 'ERR_NOT_FOUND')],
    [
      'a method the route lacks',
      request('DELETE', '/cpu/fib?n=1'),
      problem(405, 'ERR_METHOD_NOT_ALLOWED'),
    ],
    ['HEAD on a POST route', request('HEAD', '/counter/increment'), headAnswer(405)],
    [
      'a misframed body',
      request('GET', '/cpu/fib?n=-1', [], 'bad-chunk-size'),
      problem(400, 'ERR_INVALID_BODY'),
    ],
    [
      'an unmet Expect',
      request('GET', '/cpu/fib?n=1', [['Expect', 'bogus']]),
      problem(417, 'ERR_EXPECTATION_FAILED'),
    ],
  ];

  it.each(cases)('refuses the accept-anything answer (200) to %s', (_label, r) => {
    expect(fuzzViolation(tagged(r), ok)).toMatch(/^the contract refuses this case .* got 200/);
  });

  it.each(cases)("accepts the real services' answer to %s", (_label, r, real) => {
    expect(fuzzViolation(tagged(r), real)).toBeUndefined();
  });

  it('refuses another 4xx, or the right status with another code', () => {
    const r = tagged(request('GET', '/cpu/fib?n=-1'));
    expect(fuzzViolation(r, problem(404, 'ERR_NOT_FOUND'))).toMatch(
      /with 400 ERR_INVALID_PARAM, got 404/,
    );
    expect(fuzzViolation(r, problem(400, 'ERR_INVALID_BODY'))).toMatch(/got 400 ERR_INVALID_BODY$/);
    expect(
      fuzzViolation(tagged(request('PUT', '/cpu/fib')), problem(404, 'ERR_NOT_FOUND')),
    ).toMatch(/with 405 ERR_METHOD_NOT_ALLOWED, got 404/);
  });

  it('refuses a shed (503 + Retry-After) for any case the contract refuses: none is work to shed', () => {
    const shed = problem(503, 'ERR_OVERLOADED', { 'retry-after': '1' });
    expect(fuzzViolation(tagged(request('GET', '/cpu/fib?n=41')), shed)).toMatch(
      /^a 503 where the contract sheds nothing: a refused parameter .* before admission, at any load/,
    );
    for (const r of [request('GET', '/nope'), request('PUT', '/cpu/fib'), request('GET', '/a b')])
      expect(fuzzViolation(tagged(r), shed)).toMatch(
        /sheds nothing: the contract refuses this case/,
      );
  });

  it('allows a shed only where a bound may apply: work, the counter, /readyz, a cluster’s /metrics', () => {
    const shed = problem(503, 'ERR_OVERLOADED', { 'retry-after': '1' });
    for (const r of [
      request('GET', '/cpu/fib?n=3'),
      request('HEAD', '/mixed?ms=1&n=1'),
      request('POST', '/counter/increment?times=1&safe=true'),
      request('DELETE', '/counter'),
      request('GET', '/readyz'),
      // Not certain which route: `..` is normalised away.
      request('GET', '/x/../healthz'),
    ])
      expect([r.target, fuzzViolation(tagged(r), shed)]).toEqual([r.target, undefined]);
    for (const target of ['/healthz', '/healthz/', '/info?x=1'])
      expect(fuzzViolation(tagged(request('GET', target)), shed)).toMatch(/is never shed$/);
    const metrics = tagged(request('GET', '/metrics'));
    expect(fuzzViolation(metrics, shed, { metricsMayShed: true })).toBeUndefined();
    expect(fuzzViolation(metrics, shed, { metricsMayShed: false })).toMatch(
      /\/metrics is never shed where no primary gathers it/,
    );
  });

  it('accepts a 431 for any case only when its head is past the header limit', () => {
    const tooLarge = problem(431, 'ERR_HEADERS_TOO_LARGE');
    const small = tagged(request('GET', '/nope'));
    expect(fuzzViolation(small, tooLarge)).toMatch(
      /^a 431 for a head of \d+ bytes and \d+ header lines, within HTTP_MAX_HEADER_SIZE \(16384\) and 1000 lines/,
    );
    const big = tagged(request('GET', `/cpu/fib${'/x'.repeat(8200)}`));
    expect(big.refusal?.answers).toEqual([{ status: 404, code: 'ERR_NOT_FOUND' }]);
    expect(fuzzViolation(big, tooLarge)).toBeUndefined();
    // The limit is the service's: past a smaller one, the small case's 431 is right.
    expect(fuzzViolation(small, tooLarge, { maxHeaderSize: 20 })).toBeUndefined();
  });

  it('still accepts any 2xx or 4xx for an untagged case', () => {
    const r = tagged(request('GET', '/healthz?bogus=1'));
    expect(r.refusal).toBeUndefined();
    expect(fuzzViolation(r, ok)).toBeUndefined();
    expect(fuzzViolation(r, problem(404, 'ERR_NOT_FOUND'))).toBeUndefined();
  });
});

/**
 * The review's stand-in as a real server: no routing and no validation, every request that
 * Node's parser lets through answered 200 {"result":0}; what the parser refuses gets a
 * problem+json 400 (431 past the head limit), an unmet Expect 417 — so that nothing but its
 * accepting is wrong with it.
 */
function acceptAnything(): Server {
  const problemBody = (status: number, code: string) =>
    JSON.stringify({ type: 'about:blank', title: 'Bad', status, detail: 'refused', code });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":0}'),
    );
    req.on('error', () => res.destroy());
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = problemBody(
      status,
      status === 431 ? 'ERR_HEADERS_TOO_LARGE' : 'ERR_INVALID_REQUEST',
    );
    if (!socket.writable) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${status} Bad\r\ncontent-type: application/problem+json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('checkExpectation', (_req, res) =>
    res
      .writeHead(417, { 'content-type': 'application/problem+json' })
      .end(problemBody(417, 'ERR_EXPECTATION_FAILED')),
  );
  server.on('connect', (_req, socket) =>
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
  );
  return server;
}

describe('runFuzz against a service that accepts anything (negative control)', () => {
  const server = acceptAnything();
  let base = '';
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(() => close(server));

  it('fails it on a case the contract refuses, answered 200', async () => {
    const report = await runFuzz(base, { runs: 200, seed: 7 });
    expect(report.failure?.reason).toMatch(
      /^the contract refuses this case \(.+\) with .*, got 200/,
    );
    expect(report.failure?.request.refusal).toBeDefined();
    expect(report.refusals).toBeGreaterThan(0);
  }, 60_000);
});
