import { expectProblem, tinyPng } from '@concurrency-lab/contract-testing';
import { until } from '@concurrency-lab/launcher/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { LIMITS } from '../src/index';
import { readBody } from '../src/request-body';
import {
  memoryLogger,
  requestCount,
  serviceFixture,
  startedPerDescribe,
  StubRunner,
  testConfig,
  type Started,
} from './support/harness';

const execFileAsync = promisify(execFile);

/** One answer read off a raw connection that the server closed. */
interface RawAnswer {
  /** Everything received, interim answers included. */
  raw: string;
  /** The final (non-1xx) answer, as a fetch `Response` for `expectProblem`. */
  response: Response;
  headers: Record<string, string>;
}

/**
 * Opens a connection, lets `talk` write on it, and resolves once the **server** closes it (this
 * side never does: a test that the server leaves open fails by jest's timeout). A reset counts
 * as a close: a server that stops reading an upload may close with data still unread.
 */
function exchange(
  port: number,
  talk: (socket: Socket, received: () => string) => void,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const received = () => Buffer.concat(chunks).toString('latin1');
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      socket.emit('received');
    });
    socket.on('error', () => undefined); // a reset after the answer: the close still comes
    socket.once('close', () => {
      try {
        resolve(parseFinalAnswer(received()));
      } catch (error) {
        reject(error);
      }
    });
    socket.once('connect', () => talk(socket, received));
  });
}

function parseFinalAnswer(raw: string): RawAnswer {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`no complete answer: ${JSON.stringify(raw.slice(0, 300))}`);
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    if (status < 200) {
      rest = rest.slice(end + 4);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    const body = Buffer.from(rest.slice(end + 4, end + 4 + length), 'latin1');
    return { raw, headers, response: new Response(body, { status, headers }) };
  }
}

/** Writes `bytes` (latin1) and waits for the server to answer and close. */
const send = (port: number, bytes: string | Buffer) =>
  exchange(port, (socket) =>
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes),
  );

async function expectHealthy(base: string): Promise<void> {
  const response = await fetch(`${base}/healthz`);
  await response.text();
  expect(response.status).toBe(200);
}

/** Sends `bytes`: a `status` `code` problem+json, the connection closed, the service healthy. */
async function expectRefusedAndClosed(
  started: Started,
  bytes: string | Buffer,
  status: number,
  code: string,
): Promise<void> {
  const answer = await send(started.port, bytes);
  await expectProblem(answer.response, status, code);
  expect(answer.headers['connection']).toBe('close');
  await expectHealthy(started.base);
}

const UPLOAD = 'POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n';
const LIMIT = LIMITS.maxBodyBytes;

/** `body` as chunks of at most 1 MiB, without the last (zero) chunk. */
function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += 1024 * 1024) {
    const chunk = body.subarray(at, at + 1024 * 1024);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** `total` bytes as chunks of at most 1 MiB, without the last (zero) chunk. */
const chunks = (total: number): Buffer => chunked(Buffer.alloc(total, 0x41));

describe('an upload over the body limit', () => {
  const started = startedPerDescribe();

  it.each([
    ['just over the limit', String(LIMIT + 1)],
    ['larger than any buffer', '99999999999999999'],
  ])(
    'declared in Content-Length (%s): 413 problem+json on its headers alone, and the connection closed',
    async (_label, length) => {
      // Only the headers: the answer comes without a byte of the body, and the server closes.
      await expectRefusedAndClosed(
        started,
        `${UPLOAD}Content-Length: ${length}\r\n\r\n`,
        413,
        'ERR_BODY_TOO_LARGE',
      );
    },
  );

  it('with Expect: 100-continue: the 413 instead of 100 Continue', async () => {
    const answer = await send(
      started.port,
      `${UPLOAD}Expect: 100-continue\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`,
    );
    expect(answer.raw).toMatch(/^HTTP\/1\.1 413 /);
    await expectProblem(answer.response, 413, 'ERR_BODY_TOO_LARGE');
    await expectHealthy(started.base);
  });

  it('chunked: 413 as soon as the body passes the limit, before the client ends it', async () => {
    // limit + 1 bytes and no last chunk: the answer cannot wait for the body's end.
    await expectRefusedAndClosed(
      started,
      Buffer.concat([
        Buffer.from(`${UPLOAD}Transfer-Encoding: chunked\r\n\r\n`),
        chunks(LIMIT + 1),
      ]),
      413,
      'ERR_BODY_TOO_LARGE',
    );
  });

  it('compressed: the limit holds for the decoded body (a gzip bomb is refused)', async () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT + 1));
    const response = await fetch(`${started.base}/image/filter?filter=blur`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-encoding': 'gzip' },
      body: bomb,
    });
    await expectProblem(response, 413, 'ERR_BODY_TOO_LARGE');
    await expectHealthy(started.base);
  });

  it('compressed: the limit holds on the wire too, for a body that decodes to nothing', async () => {
    // Empty gzip members (20 bytes each, 0 decoded), chunked, past the limit and never ended:
    // a limit on the decoded body alone would wait for the end, and then find it empty.
    const empty = gzipSync(Buffer.alloc(0));
    const members = Buffer.concat(Array(Math.ceil((LIMIT + 1) / empty.length)).fill(empty));
    const answer = await send(
      started.port,
      Buffer.concat([
        Buffer.from(`${UPLOAD}Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`),
        chunked(members),
      ]),
    );
    await expectProblem(answer.response, 413, 'ERR_BODY_TOO_LARGE');
    await expectHealthy(started.base);
  });

  it.each([
    ['gzip', 'not gzip data', 400, 'ERR_INVALID_BODY'],
    ['bogus', 'anything', 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
  ] as const)(
    'Content-Encoding %s and a body that does not decode (%s): %d %s',
    async (encoding, body, status, code) => {
      const response = await fetch(`${started.base}/image/filter?filter=blur`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'content-encoding': encoding },
        body,
      });
      await expectProblem(response, status, code);
      await expectHealthy(started.base);
    },
  );

  it('sent whole by fetch from another process: the client still reads the 413, not a reset', async () => {
    // Another process: in this one, the client's writes and the server's close take turns on
    // one loop, and a reset under a client still writing (its EPIPE) does not show.
    const script = `
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(process.argv[1], {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: Buffer.alloc(9 * 1024 * 1024, 1),
        });
        statuses.push(response.status, JSON.parse(await response.text()).code);
      }
      console.log(JSON.stringify(statuses));`;
    const { stdout } = await execFileAsync(process.execPath, [
      '--input-type=module',
      '-e',
      script,
      `${started.base}/image/filter?filter=blur`,
    ]);
    expect(JSON.parse(stdout)).toEqual([
      ...[413, 'ERR_BODY_TOO_LARGE'],
      ...[413, 'ERR_BODY_TOO_LARGE'],
      ...[413, 'ERR_BODY_TOO_LARGE'],
    ]);
    await expectHealthy(started.base);
  });

  it('negative control: a body of exactly the limit is read (not a PNG: 400, not 413)', async () => {
    const response = await fetch(`${started.base}/image/filter?filter=blur`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.alloc(LIMIT, 1),
    });
    await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
  });

  it('negative control: a chunked body of exactly the limit is read (400, not 413)', async () => {
    const answer = await send(
      started.port,
      Buffer.concat([
        Buffer.from(`${UPLOAD}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`),
        chunks(LIMIT),
        Buffer.from('0\r\n\r\n'),
      ]),
    );
    await expectProblem(answer.response, 400, 'ERR_INVALID_IMAGE');
  });

  it('negative control: a PNG upload is filtered, plain, gzip-encoded, or after 100 Continue', async () => {
    const plain = await fetch(`${started.base}/image/filter?filter=blur`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: tinyPng(),
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('image/png');
    const gzipped = await fetch(`${started.base}/image/filter?filter=blur`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-encoding': 'gzip' },
      body: gzipSync(tinyPng()),
    });
    expect(Buffer.from(await gzipped.arrayBuffer())).toEqual(
      Buffer.from(await plain.arrayBuffer()),
    );
    const png = tinyPng();
    const answer = await exchange(started.port, (socket, received) => {
      socket.write(
        `${UPLOAD}Expect: 100-continue\r\nContent-Length: ${png.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.on('received', () => {
        if (received() === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write(png);
      });
    });
    expect(answer.raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(answer.response.headers.get('content-type')).toBe('image/png');
  });
});

describe('an upload refused before admission', () => {
  const services = serviceFixture();

  it('a declared body over the limit gets its 413 while MAX_QUEUE is full; a fitting one gets the 503', async () => {
    const runner = new StubRunner(
      (signal) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    const { base, port } = await services.start({ runner, config: { maxQueue: 1 } });
    const holder = new AbortController();
    const held = fetch(`${base}/cpu/fib?n=1`, { signal: holder.signal }).catch(() => undefined);
    await until(() => runner.signals.length > 0, { what: 'the held request to reach the runner' });
    try {
      const tooLarge = await send(port, `${UPLOAD}Content-Length: ${LIMIT + 1}\r\n\r\n`);
      await expectProblem(tooLarge.response, 413, 'ERR_BODY_TOO_LARGE');
      // Negative control: the slot is taken, so an upload that passes the header checks is shed.
      const fitting = await send(port, `${UPLOAD}Content-Length: 100\r\n\r\n`);
      await expectProblem(fitting.response, 503, 'ERR_OVERLOADED');
    } finally {
      holder.abort();
      await held;
    }
  });
});

describe('readBody, when the client goes mid-body', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it.each([
    ['plain', ''],
    ['gzip-encoded', 'Content-Encoding: gzip\r\n'],
  ])(
    '%s: rejects 400 ERR_INVALID_BODY at once, not waiting for the rest',
    async (_label, encoding) => {
      const outcome = new Promise<unknown>((resolve) => {
        server = createServer((req, res) => void readBody(req, res, 1024).then(resolve, resolve));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const socket = connect((server?.address() as AddressInfo).port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`${UPLOAD}${encoding}Content-Length: 100\r\n\r\n${'x'.repeat(10)}`);
      server?.once('request', () => setImmediate(() => socket.destroy()));
      // A read that waited for the rest would never settle: jest's timeout fails it.
      await expect(outcome).resolves.toMatchObject({ status: 400, code: 'ERR_INVALID_BODY' });
    },
  );
});

describe('an upload without a body', () => {
  const started = startedPerDescribe();

  it.each([
    ['neither Content-Length nor Transfer-Encoding', ''],
    ['Content-Length: 0', 'Content-Length: 0\r\n'],
  ])('400 ERR_INVALID_IMAGE for %s, not a 415 about its type', async (_label, framing) => {
    const answer = await send(started.port, `${UPLOAD}${framing}Connection: close\r\n\r\n`);
    const problem = await expectProblem(answer.response, 400, 'ERR_INVALID_IMAGE');
    expect(problem.detail).toContain('empty body');
    await expectHealthy(started.base);
  });
});

describe('requests Node refuses before the app sees them', () => {
  const started = startedPerDescribe({
    config: {
      http: {
        ...testConfig().http,
        headersTimeoutMs: 300,
        requestTimeoutMs: 600,
        connectionsCheckIntervalMs: 50,
      },
    },
  });

  it.each([
    ['an unknown method', 400, 'ERR_INVALID_REQUEST', 'FOO / HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['bare LF line ends', 400, 'ERR_INVALID_REQUEST', 'GET /healthz HTTP/1.1\nHost: t\n\n'],
    [
      'a control character in a header name',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.1\r\nHost: t\r\nX-\x01: 1\r\n\r\n',
    ],
    [
      'a NUL in a header value',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n',
    ],
    ['no Host header', 400, 'ERR_INVALID_REQUEST', 'GET /healthz HTTP/1.1\r\n\r\n'],
    [
      'two Host lines (RFC 9112 §3.2)',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\n\r\n',
    ],
    [
      'a Host with a path and user',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.1\r\nHost: a b/c@d\r\n\r\n',
    ],
    [
      'a Host listing two',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.0\r\nHost: a.example, b.example\r\n\r\n',
    ],
    [
      'a Host with a port that is not one',
      400,
      'ERR_INVALID_REQUEST',
      'GET /healthz HTTP/1.1\r\nHost: a:b:c\r\n\r\n',
    ],
    [
      'a chunk size that is not hexadecimal',
      400,
      'ERR_INVALID_BODY',
      `${UPLOAD}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
    ],
    [
      'Content-Length with Transfer-Encoding',
      400,
      'ERR_INVALID_BODY',
      `${UPLOAD}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    [
      'two Content-Lengths',
      400,
      'ERR_INVALID_BODY',
      `${UPLOAD}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
    ],
    [
      'headers over HTTP_MAX_HEADER_SIZE',
      431,
      'ERR_HEADERS_TOO_LARGE',
      `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    [
      "chunk extensions over the parser's limit",
      413,
      'ERR_BODY_TOO_LARGE',
      `${UPLOAD}Transfer-Encoding: chunked\r\n\r\n3;${'e'.repeat(20_000)}\r\nabc\r\n0\r\n\r\n`,
    ],
    [
      'headers still arriving at HTTP_HEADERS_TIMEOUT_MS',
      408,
      'ERR_REQUEST_TIMEOUT',
      'GET /healthz HTTP/1.1\r\nHost: t\r\n',
    ],
  ] as const)(
    '%s: %d %s problem+json, and the connection closed',
    async (_label, status, code, bytes) => {
      await expectRefusedAndClosed(started, bytes, status, code);
    },
  );

  // A name and port, an IPv4 address, an IPv6 literal and port, a %-escape, an empty Host (a
  // target without an authority), and no Host in HTTP/1.0.
  it.each([
    'HTTP/1.1\r\nHost: localhost:8080',
    'HTTP/1.1\r\nHost: 127.0.0.1',
    'HTTP/1.1\r\nHost: [::1]:3000',
    'HTTP/1.1\r\nHost: a%41b.example',
    'HTTP/1.1\r\nHost: ',
    'HTTP/1.0',
  ])('negative control: serves GET /healthz %j', async (head) => {
    const answer = await send(started.port, `GET /healthz ${head}\r\nConnection: close\r\n\r\n`);
    expect(answer.response.status).toBe(200);
  });

  /** A GET /healthz whose head has `lines` header lines (`Host` and `Connection` among them). */
  const headOfLines = (lines: number) =>
    `GET /healthz HTTP/1.1\r\nHost: t\r\n${'a:\r\n'.repeat(lines - 2)}Connection: close\r\n\r\n`;

  it('more than 1,000 header lines, in a head far under HTTP_MAX_HEADER_SIZE: 431, its detail naming both limits', async () => {
    const head = headOfLines(1001);
    expect(head.length).toBeLessThan(4100); // a quarter of the 16 KiB limit
    const answer = await send(started.port, head);
    const problem = await expectProblem(answer.response, 431, 'ERR_HEADERS_TOO_LARGE');
    expect(answer.headers['connection']).toBe('close');
    expect(problem.detail).toContain('1000 header lines');
    expect(problem.detail).toContain('16384 bytes of request line and headers');
    await expectHealthy(started.base);
  });

  it('headers over HTTP_MAX_HEADER_SIZE: the 431 names both limits too (the parser does not say which)', async () => {
    const answer = await send(
      started.port,
      `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const problem = await expectProblem(answer.response, 431, 'ERR_HEADERS_TOO_LARGE');
    expect(problem.detail).toContain('16384 bytes');
    expect(problem.detail).toContain('1000 header lines');
  });

  it('negative control: 1,000 header lines are served', async () => {
    const answer = await send(started.port, headOfLines(1000));
    expect(answer.response.status).toBe(200);
  });

  it('a body still arriving at HTTP_REQUEST_TIMEOUT_MS: 408, recorded as the route’s 408', async () => {
    const answer = await send(started.port, `${UPLOAD}Content-Length: 10\r\n\r\n\x89PNG`);
    await expectProblem(answer.response, 408, 'ERR_REQUEST_TIMEOUT');
    await expectHealthy(started.base);
    // Recorded when the server's side of the connection is gone: after its linger.
    const count408 = async () =>
      requestCount(await (await fetch(`${started.base}/metrics`)).text(), {
        method: 'POST',
        route: '/image/filter',
        status_code: '408',
      });
    await until(async () => (await count408()) > 0, { what: 'the 408 in the metrics' });
    expect(await count408()).toBe(1);
  });
});

describe('a request Node hands on that the service does not serve as HTTP/1.1', () => {
  const { logger, records } = memoryLogger();
  const started = startedPerDescribe({ logger });
  const counted = async (method: string, status: string) =>
    requestCount(await (await fetch(`${started.base}/metrics`)).text(), {
      method,
      route: 'unmatched',
      status_code: status,
    });

  it.each(['HTTP/2.0', 'HTTP/0.9'])(
    'a request line of %s (llhttp takes it): 400 ERR_INVALID_REQUEST problem+json, and the connection closed',
    async (version) => {
      // No `Connection: close` asked for: the header is the service's own.
      const answer = await send(started.port, `GET /healthz ${version}\r\nHost: t\r\n\r\n`);
      const problem = await expectProblem(answer.response, 400, 'ERR_INVALID_REQUEST');
      expect(problem.detail).toContain(version);
      expect(answer.headers['connection']).toBe('close');
      await expectHealthy(started.base);
    },
  );

  /** `body` as one chunk and the last, chunked. */
  const oneChunk = (body: Buffer) =>
    Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);

  it.each([
    ['GET /healthz', 'bogus, chunked'],
    ['GET /cpu/fib?n=1', 'gzip, chunked'],
    ['POST /counter/increment?times=1&safe=true', 'identity, chunked'],
    ['DELETE /counter', 'GZIP, Chunked'],
    ['GET /nope', 'x, chunked'],
    ['PUT /cpu/fib', 'br, chunked'],
  ])(
    '%s with Transfer-Encoding: %s: 501 ERR_NOT_IMPLEMENTED before any route, the connection closed',
    async (line, codings) => {
      const answer = await send(
        started.port,
        `${line} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ${codings}\r\n\r\n0\r\n\r\n`,
      );
      const problem = await expectProblem(answer.response, 501, 'ERR_NOT_IMPLEMENTED');
      expect(problem.detail).toContain(codings);
      expect(answer.headers['connection']).toBe('close');
      await expectHealthy(started.base);
    },
  );

  it('an upload in gzip, chunked: 501 from its head, its body never read (it never ends), the connection closed', async () => {
    // A gzipped PNG that Node would hand on still gzip-coded: before, a 400 ERR_INVALID_IMAGE.
    const gzipped = gzipSync(Buffer.from(tinyPng()));
    const start = Buffer.from(`${gzipped.length.toString(16)}\r\n`);
    await expectRefusedAndClosed(
      started,
      Buffer.concat([
        Buffer.from(`${UPLOAD}Transfer-Encoding: gzip, chunked\r\n\r\n`),
        start,
        gzipped,
      ]),
      501,
      'ERR_NOT_IMPLEMENTED',
    );
  });

  it('two Transfer-Encoding lines, gzip then chunked (Node joins them): 501', async () => {
    await expectRefusedAndClosed(
      started,
      `${UPLOAD}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      501,
      'ERR_NOT_IMPLEMENTED',
    );
  });

  it('is counted as a 501 of no route, and logs nothing (a client’s request, nothing broken)', async () => {
    const before = await counted('GET', '501');
    records.length = 0;
    const answer = await send(
      started.port,
      'GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: bogus, chunked\r\n\r\n0\r\n\r\n',
    );
    expect(answer.response.status).toBe(501);
    await until(async () => (await counted('GET', '501')) > before, { what: 'the 501 counted' });
    expect((await counted('GET', '501')) - before).toBe(1);
    expect(records.filter((r) => Number(r['level']) >= 50)).toEqual([]);
  });

  // The body's length cannot be known (RFC 9112 §6.3: 400 and close), and llhttp refuses both;
  // the first only after handing the request on, where a route answering at once went first.
  it.each([
    ['an upload', 'gzip', UPLOAD],
    ['GET /healthz', 'gzip', 'GET /healthz HTTP/1.1\r\nHost: t\r\n'],
    ['an upload', 'chunked, gzip', UPLOAD],
    ['an upload', 'chunked, chunked', UPLOAD],
  ])(
    '%s with Transfer-Encoding: %s (no last chunked): 400 ERR_INVALID_BODY, as Node’s own refusal',
    async (_label, codings, head) => {
      await expectRefusedAndClosed(
        started,
        `${head}Transfer-Encoding: ${codings}\r\n\r\n0\r\n\r\n`,
        400,
        'ERR_INVALID_BODY',
      );
    },
  );

  it.each(['chunked', 'CHUNKED', ', chunked'])(
    'negative control: a PNG upload with Transfer-Encoding: %s is filtered',
    async (codings) => {
      const answer = await send(
        started.port,
        Buffer.concat([
          Buffer.from(`${UPLOAD}Transfer-Encoding: ${codings}\r\nConnection: close\r\n\r\n`),
          oneChunk(Buffer.from(tinyPng())),
        ]),
      );
      expect(answer.response.status).toBe(200);
      expect(answer.headers['content-type']).toBe('image/png');
    },
  );

  it('negative control: HTTP/1.0 is served', async () => {
    const answer = await send(started.port, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(answer.response.status).toBe(200);
  });
});

describe('an Expect the service cannot meet (anything but 100-continue)', () => {
  const started = startedPerDescribe();
  const count417 = async () =>
    requestCount(await (await fetch(`${started.base}/metrics`)).text(), {
      method: 'GET',
      route: 'unmatched',
      status_code: '417',
    });

  it('417 ERR_EXPECTATION_FAILED as problem+json, and counted (Node alone: a bare status line)', async () => {
    const before = await count417();
    const answer = await send(
      started.port,
      'GET /healthz HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n',
    );
    const body = await expectProblem(answer.response, 417, 'ERR_EXPECTATION_FAILED');
    expect(body.detail).toContain('200-ok');
    await until(async () => (await count417()) > before, { what: 'the 417 in the metrics' });
    expect((await count417()) - before).toBe(1);
    await expectHealthy(started.base);
  });

  it('an upload: refused from its headers, its body never read, the connection closed', async () => {
    await expectRefusedAndClosed(
      started,
      `${UPLOAD}Expect: 200-ok\r\nContent-Length: 1000000\r\n\r\n`,
      417,
      'ERR_EXPECTATION_FAILED',
    );
  });

  it('negative control: Expect: 100-continue, in any case, is met and the request served', async () => {
    const answer = await send(
      started.port,
      'GET /healthz HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\nConnection: close\r\n\r\n',
    );
    expect(answer.response.status).toBe(200);
  });
});
