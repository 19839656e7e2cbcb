import { createHook } from 'node:async_hooks';
import { once } from 'node:events';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { thrown } from '@concurrency-lab/errors/testing';
import fc from 'fast-check';
import { countOtlpProtobufSpans, decodeOtlpProtobufTraces } from '../src/otlp-protobuf';
import { startOtlpReceiver } from '../src/otlp-receiver';
import { otlpReceiverFixture } from '../src/testing';

interface Exported {
  /** ExportResultCode: 0 success. */
  result: number;
  traceId: string;
  parentId: string;
  childId: string;
}

/** An attribute of every scalar type OTLP carries, on the child span. */
const ATTRIBUTES = {
  'http.route': '/x',
  'thread.id': 3,
  'lab.offset': -5,
  'lab.ratio': 1.5,
  'lab.ok': true,
  'lab.text': 'naïve ✓',
};

/** Two spans exported by the real exporter of `protocol` (see fixtures/export-spans.js). */
async function exportSpans(
  url: string,
  protocol: string,
  compression = 'none',
  attributes: Record<string, unknown> = ATTRIBUTES,
): Promise<Exported> {
  const worker = new Worker(join(__dirname, 'fixtures', 'export-spans.js'), {
    workerData: { url: `${url}/v1/traces`, protocol, compression, attributes },
  });
  let exported: Exported | undefined;
  worker.once('message', (message: Exported) => (exported = message));
  const [code] = (await once(worker, 'exit')) as [number];
  if (!exported) throw new Error(`the exporting worker exited (${code}) without reporting`);
  return exported;
}

/** A protobuf varint. */
const varint = (value: bigint | number): number[] => {
  const out: number[] = [];
  for (let rest = BigInt.asUintN(64, BigInt(value)); ; rest >>= 7n) {
    out.push(Number(rest & 0x7fn) | (rest > 0x7fn ? 0x80 : 0));
    if (rest <= 0x7fn) return out;
  }
};
/** A length-delimited protobuf field holding `body`. */
const field = (n: number, body: Uint8Array | number[]): Uint8Array =>
  Uint8Array.from([(n << 3) | 2, ...varint(body.length), ...body]);
/** A varint protobuf field. */
const varintField = (n: number, value: bigint | number): Uint8Array =>
  Uint8Array.from([n << 3, ...varint(value)]);
const concat = (parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const utf8 = (text: string) => new TextEncoder().encode(text);

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
/** A protobuf span: its ids (trace_id 1, span_id 2) and name 5, then `extra` fields. */
const protobufSpan = (extra: Uint8Array[] = [], name = 's') =>
  concat([field(1, bytesOf(TRACE_ID)), field(2, bytesOf(SPAN_ID)), field(5, utf8(name)), ...extra]);
/** An ExportTraceServiceRequest of `spans`: resource_spans 1 → scope_spans 2 → spans 2. */
const protobufExport = (...spans: Uint8Array[]) =>
  field(1, field(2, concat(spans.map((s) => field(2, s)))));
/** An OTLP/JSON export of `spans`. */
const jsonExport = (...spans: unknown[]) =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

/** A failure's `Status` (OTLP/HTTP's 4xx body): its `message`, protobuf field 2, or JSON's. */
async function statusOf(response: Response) {
  const type = response.headers.get('content-type');
  const bytes = new Uint8Array(await response.arrayBuffer());
  let message: unknown;
  if (type === 'application/json')
    message = (JSON.parse(Buffer.from(bytes).toString()) as { message?: unknown }).message;
  else if (bytes.length > 0) {
    let at = 1;
    let length = 0;
    for (let shift = 0; at < bytes.length; shift += 7) {
      const byte = bytes[at++] as number;
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    expect({ tag: bytes[0], rest: bytes.length - at }).toEqual({ tag: 0x12, rest: length });
    message = Buffer.from(bytes.subarray(at)).toString();
  }
  return { status: response.status, type, message };
}

/**
 * Sends the request line, `headers` and `chunk` of a body, and never the rest: what the
 * receiver answers must come while the request is still open.
 */
function answerMidBody(
  url: string,
  headers: OutgoingHttpHeaders,
  chunk: Uint8Array,
  { method = 'POST', path = '/v1/traces' } = {},
): Promise<{ status: number | undefined; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers });
    req.on('response', (res) => {
      res.resume().on('end', () => {
        resolve({ status: res.statusCode, headers: res.headers });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(chunk);
  });
}

describe('the OTLP/HTTP receiver', () => {
  const receiver = otlpReceiverFixture();

  it.each([
    ['http/protobuf', 'none'],
    ['http/json', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'gzip'],
  ])(
    'decodes what the real %s exporter sends (compression %s): ids, parent, kind, attributes',
    async (protocol, compression) => {
      const exported = await exportSpans(receiver.url, protocol, compression);
      expect(exported.result).toBe(0);
      const resource = { 'service.name': 'svc', 'lab.model': 'test' };
      // The exporter sends each span in its own request, both at once: they may land in either
      // order (gunzipping makes the race visible).
      const bySpanId = (a: { spanId: string }, b: { spanId: string }) =>
        a.spanId < b.spanId ? -1 : 1;
      expect([...receiver.spans].sort(bySpanId)).toEqual(
        [
          {
            traceId: exported.traceId,
            spanId: exported.childId,
            parentSpanId: exported.parentId,
            name: 'pool.run fib',
            kind: 1,
            attributes: ATTRIBUTES,
            resource,
            protocol,
          },
          {
            traceId: exported.traceId,
            spanId: exported.parentId,
            parentSpanId: undefined,
            name: 'GET /x',
            kind: 2,
            attributes: {},
            resource,
            protocol,
          },
        ].sort(bySpanId),
      );
      expect(receiver.counts).toMatchObject({ requests: 2, spans: 2 });
    },
  );

  it.each([
    // JSON has no NaN or Infinity: the JSON exporter writes each as `{"doubleValue": null}`.
    ['http/json', { 'lab.nan': NaN, 'lab.inf': NaN, 'lab.ninf': NaN }],
    ['http/protobuf', { 'lab.nan': NaN, 'lab.inf': Infinity, 'lab.ninf': -Infinity }],
  ])(
    'keeps a span whose doubles are NaN or infinite, as the real %s exporter sends it',
    async (protocol, expected) => {
      const attributes = { 'lab.nan': NaN, 'lab.inf': Infinity, 'lab.ninf': -Infinity };
      const exported = await exportSpans(receiver.url, protocol, 'none', {
        ...attributes,
        'lab.ratio': 1.5,
      });
      expect(exported.result).toBe(0);
      const child = receiver.spans.find((s) => s.spanId === exported.childId);
      expect(child?.attributes).toEqual({ ...expected, 'lab.ratio': 1.5 });
      expect(receiver.counts).toMatchObject({ requests: 2, spans: 2 });
    },
  );

  const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/v1/traces') =>
    fetch(`${receiver.url}${path}`, { method: 'POST', headers, body });
  const PROTOBUF = { 'content-type': 'application/x-protobuf' };
  const JSON_TYPE = { 'content-type': 'application/json' };

  it('answers as a collector: 404 path, 405 method (Allow), 415 type or encoding, with a Status', async () => {
    const span = jsonExport({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(await statusOf(await post(span, JSON_TYPE, '/v1/metrics'))).toEqual({
      status: 404,
      type: 'application/json',
      message: expect.stringContaining('/v1/metrics'),
    });
    const get = await fetch(`${receiver.url}/v1/traces`, { headers: PROTOBUF });
    expect(get.headers.get('allow')).toBe('POST');
    expect(await statusOf(get)).toEqual({
      status: 405,
      type: 'application/x-protobuf',
      message: expect.stringContaining('GET'),
    });
    expect(await statusOf(await post(span, { 'content-type': 'text/plain' }))).toEqual({
      status: 415,
      type: 'application/x-protobuf',
      message: expect.stringContaining('text/plain'),
    });
    expect(await statusOf(await post(span, { ...JSON_TYPE, 'content-encoding': 'br' }))).toEqual({
      status: 415,
      type: 'application/json',
      message: expect.stringContaining('br'),
    });
    expect(receiver.counts).toEqual({ requests: 0, spans: 0, bytes: 0 });
    // Control: the same span, where it belongs.
    expect((await post(span, JSON_TYPE)).status).toBe(200);
  });

  it('writes a Status of 128 bytes or more with its length in as many varint bytes as it takes', async () => {
    // A long path, which the 404's message repeats: 247 bytes, whose length takes two bytes.
    const path = `/v1/${'x'.repeat(200)}`;
    const message = `no such path ${path}: OTLP traces go to /v1/traces`;
    expect(message.length).toBeGreaterThanOrEqual(128);
    const response = await post(protobufExport(protobufSpan()), PROTOBUF, path);
    // statusOf reads the length and checks it against the bytes that follow it.
    expect(await statusOf(response)).toEqual({
      status: 404,
      type: 'application/x-protobuf',
      message,
    });
  });

  it('takes /v1/traces with a query string as /v1/traces', async () => {
    const span = jsonExport({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'q' });
    expect((await post(span, JSON_TYPE, '/v1/traces?tenant=a')).status).toBe(200);
    // The control: the query is not what is matched, the path is.
    expect((await post(span, JSON_TYPE, '/v1/tracesx?tenant=a')).status).toBe(404);
    expect(receiver.spans.map((s) => s.name)).toEqual(['q']);
  });

  it('closes at once with a client stalled mid-upload', async () => {
    const stalled = await startOtlpReceiver();
    // Expect: 100-continue: the server's "continue" says it read the headers and handed the
    // request to the receiver, which then waits for a body that never comes.
    const req = request(`${stalled.url}/v1/traces`, {
      method: 'POST',
      headers: { ...PROTOBUF, 'content-length': 1000, expect: '100-continue' },
    });
    req.on('error', () => undefined); // the reset close() gives it
    req.on('continue', () => req.write(new Uint8Array(10)));
    await once(req, 'continue');
    // The bound's timer is cancelled once close() wins: left pending, it held the test run
    // open for its 5 s after the last test ("did not exit one second after the test run").
    const bound = new AbortController();
    try {
      // Waited for, close() would last as long as the client (here: until the test ends it).
      const closed = await Promise.race([
        stalled.close().then(() => 'closed'),
        sleep(5000, 'still open after 5 s', { signal: bound.signal }),
      ]);
      expect(closed).toBe('closed');
    } finally {
      bound.abort();
      req.destroy();
      await stalled.close();
    }
  });

  it('reads a media type case-insensitively, parameters aside', async () => {
    const span = { traceId: TRACE_ID, spanId: SPAN_ID };
    const type = { 'content-type': 'Application/JSON; charset=utf-8' };
    expect((await post(jsonExport(span), type)).status).toBe(200);
    const protobuf = { 'content-type': 'APPLICATION/X-PROTOBUF' };
    expect((await post(protobufExport(protobufSpan()), protobuf)).status).toBe(200);
    expect(receiver.spans.map((s) => s.protocol)).toEqual(['http/json', 'http/protobuf']);
  });

  it.each<[string, { path?: string; method?: string; type?: string }, number]>([
    ['another path', { path: '/v1/logs' }, 404],
    ['another method', { method: 'PUT' }, 405],
    ['another content type', { type: 'text/plain' }, 415],
  ])(
    'refuses %s before reading the body, and closes the connection',
    async (_label, { path, method, type }, status) => {
      // A body announced as 1 GiB, of which 1 KiB is sent: the answer cannot wait for the rest.
      const headers = {
        'content-type': type ?? 'application/x-protobuf',
        'content-length': 2 ** 30,
      };
      const answer = await answerMidBody(receiver.url, headers, new Uint8Array(1024), {
        method,
        path,
      });
      expect({ status: answer.status, connection: answer.headers.connection }).toEqual({
        status,
        connection: 'close',
      });
    },
  );

  it('refuses a body that does not decode (400), with a Status saying why', async () => {
    expect(await statusOf(await post('{', JSON_TYPE))).toEqual({
      status: 400,
      type: 'application/json',
      message: expect.stringMatching(/^SyntaxError/),
    });
    // Well-formed JSON that is not OTLP: the client's fault too (400), not a receiver bug (500).
    const span = { traceId: TRACE_ID, spanId: SPAN_ID, name: 's' };
    for (const notOtlp of [
      null,
      [],
      { resourceSpans: 'x' },
      { resourceSpans: [null] },
      { resourceSpans: [{ scopeSpans: [null] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [null] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, attributes: [{ value: {} }] }] }] }] },
    ]) {
      expect({ notOtlp, status: (await post(JSON.stringify(notOtlp), JSON_TYPE)).status }).toEqual({
        notOtlp,
        status: 400,
      });
    }
    // A length prefix pointing past the end of the body.
    expect(await statusOf(await post(Uint8Array.of(0x0a, 0x7f), PROTOBUF))).toEqual({
      status: 400,
      type: 'application/x-protobuf',
      message: expect.stringMatching(/^ERR_TELEMETRY_OTLP_DECODE: /),
    });
    expect(receiver.spans).toEqual([]);
    expect(receiver.counts).toEqual({ requests: 0, spans: 0, bytes: 0 });
    // Control: the span that was refused with a broken attribute is accepted without it.
    expect((await post(jsonExport(span), JSON_TYPE)).status).toBe(200);
  });

  it('refuses a gzip body that does not inflate (400); a sound one is accepted', async () => {
    const gzip = { ...PROTOBUF, 'content-encoding': 'gzip' };
    const body = gzipSync(protobufExport(protobufSpan()));
    const corrupt = Uint8Array.from(body);
    corrupt[corrupt.length - 5] = (corrupt.at(-5) as number) ^ 0xff; // the trailer's CRC-32
    expect(await statusOf(await post(corrupt, gzip))).toEqual({
      status: 400,
      type: 'application/x-protobuf',
      message: expect.stringContaining('gzip'),
    });
    expect((await post(body.subarray(0, 10), gzip)).status).toBe(400);
    expect((await post(protobufExport(protobufSpan()), gzip)).status).toBe(400);
    expect(receiver.spans).toEqual([]);
    expect((await post(body, { ...PROTOBUF, 'content-encoding': 'GZip' })).status).toBe(200);
    expect(receiver.spans).toHaveLength(1);
  });

  /** OTLP/JSON bodies that break a rule the spec or proto3's JSON mapping sets. */
  const okSpan = { traceId: TRACE_ID, spanId: SPAN_ID, name: 's' };
  const withAttribute = (value: unknown) => ({ ...okSpan, attributes: [{ key: 'k', value }] });
  it.each([
    ['no ids', { name: 's' }],
    ['no span id', { traceId: TRACE_ID }],
    ['a short trace id', { ...okSpan, traceId: TRACE_ID.slice(2) }],
    ['a long span id', { ...okSpan, spanId: `${SPAN_ID}00` }],
    ['a parent span id of the wrong length', { ...okSpan, parentSpanId: '01' }],
    ['non-hex ids', { ...okSpan, traceId: 'z'.repeat(32) }],
    ['ids that are not strings', { ...okSpan, spanId: 1 }],
    ['a kind by its enum name (the spec: MUST NOT)', { ...okSpan, kind: 'SPAN_KIND_SERVER' }],
    ['a kind that is not an int32', { ...okSpan, kind: 2 ** 40 }],
    ['a name that is not a string', { ...okSpan, name: 7 }],
    ['an intValue that is not an integer', withAttribute({ intValue: 'abc' })],
    ['an intValue with a fraction', withAttribute({ intValue: 1.5 })],
    ['an intValue past int64', withAttribute({ intValue: '9223372036854775808' })],
    ['a doubleValue that is not a number', withAttribute({ doubleValue: 'x' })],
    ['a boolValue that is not a boolean', withAttribute({ boolValue: 'true' })],
  ])('refuses an OTLP/JSON span with %s (400)', async (_label, bad) => {
    const response = await post(jsonExport(bad), JSON_TYPE);
    expect(await statusOf(response)).toEqual({
      status: 400,
      type: 'application/json',
      message: expect.stringMatching(/^ERR_TELEMETRY_OTLP_DECODE: not OTLP\/JSON: /),
    });
    expect(receiver.spans).toEqual([]);
  });

  it('refuses an OTLP/JSON body that is not UTF-8 (400), as protobuf does', async () => {
    const text = jsonExport({ ...okSpan, name: 'a\u00ff' });
    const body = Buffer.from(text, 'latin1'); // ÿ as one byte 0xff: not UTF-8
    expect((await post(body, JSON_TYPE)).status).toBe(400);
    expect((await post(Buffer.from(text), JSON_TYPE)).status).toBe(200); // control: UTF-8
    expect(receiver.spans.map((s) => s.name)).toEqual(['a\u00ff']);
  });

  it('reads OTLP/JSON as protobuf: defaults left out, hex in any case, int64 whole, NaN and infinities, any key', async () => {
    const body = jsonExport(
      { traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), parentSpanId: '' },
      {
        ...okSpan,
        parentSpanId: SPAN_ID,
        kind: 3,
        attributes: [
          { key: 'big', value: { intValue: '9007199254740993' } },
          { key: 'neg', value: { intValue: '-5' } },
          { key: 'num', value: { intValue: 7 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'inf', value: { doubleValue: 'Infinity' } },
          { key: 'ninf', value: { doubleValue: '-Infinity' } },
          { key: 'null', value: { doubleValue: null } },
          { key: 'double', value: { doubleValue: '1.5' } },
          { key: '__proto__', value: { stringValue: 'kept' } },
        ],
      },
    );
    expect((await post(body, JSON_TYPE)).status).toBe(200);
    const [bare, full] = receiver.spans;
    expect(bare).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: undefined });
    expect(bare).toMatchObject({ name: '', kind: 0, attributes: {} });
    expect(full?.parentSpanId).toBe(SPAN_ID);
    expect(Object.entries(full?.attributes ?? {})).toEqual([
      ['big', 9007199254740993n],
      ['neg', -5],
      ['num', 7],
      ['nan', NaN],
      ['inf', Infinity],
      ['ninf', -Infinity],
      ['null', NaN],
      ['double', 1.5],
      ['__proto__', 'kept'],
    ]);
    expect(Object.getPrototypeOf(full?.attributes)).toBe(Object.prototype);
  });

  it('takes null as the default of a list and of a stringValue, as proto3 JSON does', async () => {
    for (const empty of [
      { resourceSpans: null },
      { resourceSpans: [{ resource: { attributes: null }, scopeSpans: null }] },
      { resourceSpans: [{ scopeSpans: [{ spans: null }] }] },
    ])
      expect({ empty, status: (await post(JSON.stringify(empty), JSON_TYPE)).status }).toEqual({
        empty,
        status: 200,
      });
    expect(receiver.counts).toMatchObject({ requests: 3, spans: 0 });
    const body = jsonExport(
      { ...okSpan, name: null, attributes: null },
      {
        ...okSpan,
        attributes: [
          { key: 'none', value: { stringValue: null } },
          // Null is the field not set: the value is the one that is.
          { key: 'int', value: { stringValue: null, intValue: '3' } },
          { key: 'bool', value: { intValue: null, boolValue: true } },
          { key: 'double', value: { boolValue: null, doubleValue: 1.5 } },
          { key: null, value: { stringValue: 'no key' } },
        ],
      },
    );
    expect((await post(body, JSON_TYPE)).status).toBe(200);
    expect(receiver.spans.map((s) => [s.name, s.attributes])).toEqual([
      ['', {}],
      ['s', { none: '', int: 3, bool: true, double: 1.5, '': 'no key' }],
    ]);
    // The control: a stringValue that is there and not a string is still refused.
    expect((await post(jsonExport(withAttribute({ stringValue: 7 })), JSON_TYPE)).status).toBe(400);
  });

  it('keeps an attribute named __proto__ in protobuf too', async () => {
    const kv = field(9, concat([field(1, utf8('__proto__')), field(2, field(1, utf8('kept')))]));
    expect((await post(protobufExport(protobufSpan([kv])), PROTOBUF)).status).toBe(200);
    expect(Object.entries(receiver.spans[0]?.attributes ?? {})).toEqual([['__proto__', 'kept']]);
  });

  it('counts without keeping when asked to (a benchmark sink)', async () => {
    const sink = await startOtlpReceiver({ keepSpans: false });
    try {
      expect((await exportSpans(sink.url, 'http/protobuf')).result).toBe(0);
      expect(sink.counts).toMatchObject({ requests: 2, spans: 2 });
      expect(sink.counts.bytes).toBeGreaterThan(0);
      expect(sink.spans).toEqual([]);
    } finally {
      await sink.close();
    }
  });

  it('refuses as a counting sink what it refuses when keeping spans (400), a name not UTF-8', async () => {
    const sink = await startOtlpReceiver({ keepSpans: false });
    try {
      const send = (body: Uint8Array) =>
        fetch(`${sink.url}/v1/traces`, { method: 'POST', headers: PROTOBUF, body });
      const bad = protobufExport(protobufSpan([field(5, [0xff, 0xfe])]));
      expect(await statusOf(await send(bad))).toEqual({
        status: 400,
        type: 'application/x-protobuf',
        message: 'ERR_TELEMETRY_OTLP_DECODE: A string field is not valid UTF-8',
      });
      expect(sink.counts).toEqual({ requests: 0, spans: 0, bytes: 0 });
      // The control: the same span with a name that is UTF-8.
      expect((await send(protobufExport(protobufSpan([field(5, utf8('\u00ff'))])))).status).toBe(
        200,
      );
    } finally {
      await sink.close();
    }
  });

  describe('with maxBodyBytes', () => {
    const LIMIT = 1024;
    /** A protobuf export of exactly `size` bytes: one span, padded with an unknown field 15. */
    const exportOf = (size: number) => {
      const base = protobufExport(protobufSpan());
      const rest = size - base.length - 1; // the tag's byte
      return concat([base, field(15, new Uint8Array(rest - varint(rest).length))]);
    };
    let small: Awaited<ReturnType<typeof startOtlpReceiver>>;
    beforeEach(async () => {
      small = await startOtlpReceiver({ maxBodyBytes: LIMIT });
    });
    afterEach(() => small.close());
    const postSmall = (body: Uint8Array, headers: Record<string, string> = PROTOBUF) =>
      fetch(`${small.url}/v1/traces`, { method: 'POST', headers, body });

    it('accepts a body at the limit, refuses one a byte past it (413) with a Status', async () => {
      expect(exportOf(LIMIT)).toHaveLength(LIMIT);
      expect((await postSmall(exportOf(LIMIT))).status).toBe(200);
      expect(await statusOf(await postSmall(exportOf(LIMIT + 1)))).toEqual({
        status: 413,
        type: 'application/x-protobuf',
        message: expect.stringContaining(`${LIMIT} bytes`),
      });
      expect(small.counts).toEqual({ requests: 1, spans: 1, bytes: LIMIT });
    });

    it('answers 413 once the limit is passed, without reading to the end of the body', async () => {
      // Chunked, 4 KiB sent and the request never ended: the 413 cannot wait for an end.
      const headers = { ...PROTOBUF, 'transfer-encoding': 'chunked' };
      const answer = await answerMidBody(small.url, headers, new Uint8Array(4 * LIMIT));
      expect({ status: answer.status, connection: answer.headers.connection }).toEqual({
        status: 413,
        connection: 'close',
      });
    });

    it('counts the limit after decompression: a small gzip of a large body gets 413', async () => {
      const gzip = { ...PROTOBUF, 'content-encoding': 'gzip' };
      const bomb = gzipSync(exportOf(256 * LIMIT));
      expect(bomb.length).toBeLessThan(LIMIT);
      expect((await postSmall(bomb, gzip)).status).toBe(413);
      // Control: a gzipped body that inflates to the limit is accepted.
      expect((await postSmall(gzipSync(exportOf(LIMIT)), gzip)).status).toBe(200);
    });

    it('stops inflating a gzip bomb at the 413', async () => {
      // 64 MiB of zeros in 64 KiB of gzip. zlib inflates in 16 KiB chunks, one callback of its
      // handle each: counted by async_hooks, they are what the receiver inflates.
      const bomb = gzipSync(new Uint8Array(64 * 2 ** 20));
      const zlibHandles = new Set<number>();
      let phase: 'before' | 'after' = 'before';
      const chunks = { before: 0, after: 0 };
      const hook = createHook({
        init: (id, type) => void (type === 'ZLIB' && zlibHandles.add(id)),
        before: (id) => void (zlibHandles.has(id) && chunks[phase]++),
      }).enable();
      try {
        const gzip = { ...PROTOBUF, 'content-encoding': 'gzip' };
        const response = await postSmall(bomb, gzip);
        phase = 'after';
        expect(response.status).toBe(413);
        await response.arrayBuffer();
        // Time enough to inflate thousands of chunks, would the receiver go on.
        await sleep(500);
      } finally {
        hook.disable();
      }
      // The control: the hook sees the receiver's gunzip at work before the 413.
      expect(zlibHandles.size).toBe(1);
      expect(chunks.before).toBeGreaterThan(0);
      // Measured: none after it (a gunzip that went on inflated all 4096 chunks by then).
      expect(chunks.after).toBeLessThan(8);
    });
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'refuses maxBodyBytes %p with ERR_TELEMETRY_RECEIVER_OPTION',
    (maxBodyBytes) => {
      expect(thrown(() => startOtlpReceiver({ maxBodyBytes }))).toMatchObject({
        code: 'ERR_TELEMETRY_RECEIVER_OPTION',
      });
    },
  );
});

describe('the OTLP protobuf decoder', () => {
  it.each([
    ['a truncated varint', Uint8Array.of(0x0a, 0x80)],
    ['a length past the end', Uint8Array.of(0x0a, 0x05, 0x00)],
    ['a group that is never closed', Uint8Array.of(0x0b)],
    ['an end-group tag without its group', Uint8Array.of(0x0c)],
    ['a group closed by another field number', Uint8Array.of(0x0b, 0x14)],
    [
      'groups nested past the depth limit',
      Uint8Array.from([...Array(65).fill(0x0b), ...Array(65).fill(0x0c)]),
    ],
    ['a span without ids', protobufExport(field(5, utf8('s')))],
    [
      'a span with a 3-byte trace id',
      protobufExport(concat([field(1, [1, 2, 3]), field(2, bytesOf(SPAN_ID))])),
    ],
    [
      'a span with a 16-byte span id',
      protobufExport(concat([field(1, bytesOf(TRACE_ID)), field(2, bytesOf(TRACE_ID))])),
    ],
    ['a span with a 4-byte parent span id', protobufExport(protobufSpan([field(4, [1, 2, 3, 4])]))],
    ['invalid UTF-8 in a span name', protobufExport(protobufSpan([field(5, [0xff])]))],
  ])('refuses %s with ERR_TELEMETRY_OTLP_DECODE', (_label, body) => {
    expect(thrown(() => decodeOtlpProtobufTraces(body))).toMatchObject({
      name: 'OtlpDecodeError',
      code: 'ERR_TELEMETRY_OTLP_DECODE',
    });
  });

  it('reads an empty request as no spans', () => {
    expect(decodeOtlpProtobufTraces(new Uint8Array())).toEqual([]);
    expect(countOtlpProtobufSpans(new Uint8Array())).toBe(0);
  });

  it('skips an unknown field in group form, nested groups too, as protobufjs does', () => {
    // field 95 as a group holding a varint 1 and a group 96 holding a string, then kind 2
    const group = Uint8Array.from([
      ...varint((95 << 3) | 3),
      ...varintField(1, 1),
      ...varint((96 << 3) | 3),
      ...field(2, utf8('zz')),
      ...varint((96 << 3) | 4),
      ...varint((95 << 3) | 4),
    ]);
    const body = protobufExport(protobufSpan([group, varintField(6, 2)]));
    expect(decodeOtlpProtobufTraces(body)[0]?.spans).toEqual([
      expect.objectContaining({ name: 's', kind: 2, traceId: TRACE_ID, spanId: SPAN_ID }),
    ]);
    expect(countOtlpProtobufSpans(concat([body, body]))).toBe(2);
  });

  it('reads an int64 past 2^53 whole (a bigint), and one a double holds as a number', () => {
    const attribute = (key: string, value: bigint) =>
      field(9, concat([field(1, utf8(key)), field(2, varintField(3, value))]));
    const body = protobufExport(
      protobufSpan([
        attribute('big', 2n ** 53n + 1n),
        attribute('pow', 2n ** 60n),
        attribute('min', -(2n ** 63n)),
      ]),
    );
    expect(decodeOtlpProtobufTraces(body)[0]?.spans[0]?.attributes).toEqual({
      big: 2n ** 53n + 1n,
      pow: 2 ** 60,
      min: -(2 ** 63),
    });
  });

  it('reads a tag and a length written in more bytes than they need, as protobufjs does', () => {
    // name 5 ('s'): its tag in six bytes, its length in seven.
    const name = Uint8Array.of(
      0xaa,
      0x80,
      0x80,
      0x80,
      0x80,
      0x00,
      0x81,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x00,
      0x73,
    );
    const body = protobufExport(protobufSpan([name], 'x'));
    expect(decodeOtlpProtobufTraces(body)[0]?.spans[0]?.name).toBe('s');
    expect(countOtlpProtobufSpans(body)).toBe(1);
  });

  it('reads a bool as protobuf does: any varint but 0 is true', () => {
    const bool = (key: string, value: number) =>
      field(9, concat([field(1, utf8(key)), field(2, varintField(2, value))]));
    const body = protobufExport(protobufSpan([bool('two', 2), bool('one', 1), bool('zero', 0)]));
    expect(decodeOtlpProtobufTraces(body)[0]?.spans[0]?.attributes).toEqual({
      two: true,
      one: true,
      zero: false,
    });
  });

  it('reads a varint of 10 bytes, the longest there is', () => {
    // The control of the 11-byte refusal: -1 as an int64 takes all ten.
    const body = protobufExport(
      protobufSpan([field(9, concat([field(1, utf8('k')), field(2, varintField(3, -1))]))]),
    );
    expect(varintField(3, -1)).toHaveLength(11); // its tag, then ten bytes
    expect(decodeOtlpProtobufTraces(body)[0]?.spans[0]?.attributes).toEqual({ k: -1 });
  });

  it('reads a kind as the int32 it is, whatever the width of its varint', () => {
    const body = protobufExport(protobufSpan([varintField(6, 2n ** 64n - 1n)]));
    expect(decodeOtlpProtobufTraces(body)[0]?.spans[0]?.kind).toBe(-1);
  });

  /** A `KeyValue`: key 1, value 2 (an `AnyValue`). */
  const keyValue = (key: Uint8Array | number[], value: Uint8Array) =>
    concat([field(1, key), field(2, value)]);
  it.each([
    ['a span name that is not UTF-8', protobufExport(protobufSpan([field(5, [0xff, 0xfe])]))],
    [
      'an attribute key that is not UTF-8',
      protobufExport(protobufSpan([field(9, keyValue([0xc3], field(1, utf8('v'))))])),
    ],
    [
      'an attribute string that is not UTF-8 (a lone surrogate)',
      protobufExport(protobufSpan([field(9, keyValue(utf8('k'), field(1, [0xed, 0xa0, 0x80])))])),
    ],
    [
      "a resource's attribute that is not UTF-8",
      field(
        1,
        concat([
          field(1, field(1, keyValue(utf8('k'), field(1, [0xff])))),
          field(2, field(2, protobufSpan())),
        ]),
      ),
    ],
    ['an attribute cut short', protobufExport(protobufSpan([field(9, [0x0a, 0x05, 0x61])]))],
    [
      'a varint of 11 bytes (an unknown field 15 of the span)',
      protobufExport(protobufSpan([Uint8Array.of(15 << 3, ...Array(10).fill(0x80), 0x00)])),
    ],
    [
      // 2^32 + 3 in five bytes, then 3 bytes: read as 32 bits, the length was 3, and accepted.
      'a length past 2^32 (an unknown field 15 of the request)',
      Uint8Array.of((15 << 3) | 2, 0x83, 0x80, 0x80, 0x80, 0x10, 1, 2, 3),
    ],
    [
      'an attribute value of an unknown wire type',
      protobufExport(protobufSpan([field(9, keyValue(utf8('k'), Uint8Array.of(0x0f)))])),
    ],
  ])('refuses %s when counting, as when decoding', (_label, body) => {
    for (const read of [decodeOtlpProtobufTraces, countOtlpProtobufSpans])
      expect(thrown(() => read(body))).toMatchObject({ code: 'ERR_TELEMETRY_OTLP_DECODE' });
  });

  it('refuses a span without ids when counting, as when decoding', () => {
    const body = protobufExport(field(5, utf8('s')));
    expect(thrown(() => countOtlpProtobufSpans(body))).toMatchObject({
      code: 'ERR_TELEMETRY_OTLP_DECODE',
    });
  });

  /** resource_spans 1 → scope_spans 2 → spans 2 (each with ids and a name), and a resource 1. */
  const request = (shape: number[][]) =>
    concat(
      shape.map((scopes) =>
        field(
          1,
          concat([
            field(1, new Uint8Array()),
            ...scopes.map((n) =>
              field(
                2,
                concat(
                  Array.from({ length: n }, (_, i) =>
                    field(2, protobufSpan([], String.fromCharCode(97 + (i % 26)))),
                  ),
                ),
              ),
            ),
          ]),
        ),
      ),
    );

  it('counts the spans of any request shape without decoding them, as the decoder finds them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat({ max: 40 }), { maxLength: 3 }), { maxLength: 3 }),
        (shape) => {
          const body = request(shape);
          const decoded = decodeOtlpProtobufTraces(body).flatMap((r) => r.spans).length;
          expect(decoded).toBe(shape.flat().reduce((a, b) => a + b, 0));
          expect(countOtlpProtobufSpans(body)).toBe(decoded);
        },
      ),
    );
  });

  it('refuses a truncated body when counting, as when decoding', () => {
    const body = request([[3, 2]]);
    expect(() => countOtlpProtobufSpans(body.subarray(0, body.length - 1))).toThrow(
      expect.objectContaining({ code: 'ERR_TELEMETRY_OTLP_DECODE' }),
    );
  });
});
