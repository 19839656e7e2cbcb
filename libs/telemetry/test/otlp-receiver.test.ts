import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
async function exportSpans(url: string, protocol: string): Promise<Exported> {
  const worker = new Worker(join(__dirname, 'fixtures', 'export-spans.js'), {
    workerData: { url: `${url}/v1/traces`, protocol, attributes: ATTRIBUTES },
  });
  let exported: Exported | undefined;
  worker.once('message', (message: Exported) => (exported = message));
  const [code] = (await once(worker, 'exit')) as [number];
  if (!exported) throw new Error(`the exporting worker exited (${code}) without reporting`);
  return exported;
}

describe('the OTLP/HTTP receiver', () => {
  const receiver = otlpReceiverFixture();

  it.each(['http/protobuf', 'http/json'])(
    'decodes what the real %s exporter sends: ids, parent, kind, attributes, resource',
    async (protocol) => {
      const exported = await exportSpans(receiver.url, protocol);
      expect(exported.result).toBe(0);
      const resource = { 'service.name': 'svc', 'lab.model': 'test' };
      expect(receiver.spans).toEqual([
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
      ]);
      expect(receiver.counts).toMatchObject({ requests: 2, spans: 2 });
    },
  );

  it('refuses another content type or path (415) and a body that does not decode (400)', async () => {
    const post = (path: string, type: string, body: string | Uint8Array) =>
      fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('/v1/traces', 'text/plain', '{}')).status).toBe(415);
    expect((await post('/v1/metrics', 'application/json', '{}')).status).toBe(415);
    expect((await post('/v1/traces', 'application/json', '{')).status).toBe(400);
    // Well-formed JSON that is not OTLP: the client's fault too (400), not a receiver bug (500).
    const span = { traceId: 'ab', spanId: 'cd', name: 's' };
    for (const notOtlp of [
      null,
      [],
      { resourceSpans: 'x' },
      { resourceSpans: [null] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, traceId: undefined }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, attributes: [{ value: {} }] }] }] }] },
    ]) {
      expect({
        notOtlp,
        status: (await post('/v1/traces', 'application/json', JSON.stringify(notOtlp))).status,
      }).toEqual({ notOtlp, status: 400 });
    }
    // A length prefix pointing past the end of the body.
    expect(
      (await post('/v1/traces', 'application/x-protobuf', Uint8Array.of(0x0a, 0x7f))).status,
    ).toBe(400);
    expect(receiver.spans).toEqual([]);
    expect(receiver.counts).toEqual({ requests: 0, spans: 0, bytes: 0 });
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
});

describe('the OTLP protobuf decoder', () => {
  it.each([
    ['a truncated varint', Uint8Array.of(0x0a, 0x80)],
    ['a length past the end', Uint8Array.of(0x0a, 0x05, 0x00)],
    ['a deprecated group wire type', Uint8Array.of(0x0b)],
    [
      'invalid UTF-8 in a span name',
      Uint8Array.of(0x0a, 0x07, 0x12, 0x05, 0x12, 0x03, 0x2a, 0x01, 0xff),
    ],
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

  /** A length-delimited protobuf field holding `body`. */
  const field = (n: number, body: Uint8Array): Uint8Array => {
    const length: number[] = [];
    for (let rest = body.length; ; rest >>>= 7) {
      length.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
      if (rest <= 0x7f) break;
    }
    return Uint8Array.from([(n << 3) | 2, ...length, ...body]);
  };
  const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  /** resource_spans 1 → scope_spans 2 → spans 2 (each span a name, field 5), beside a resource 1. */
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
                    field(2, field(5, Uint8Array.of(97 + (i % 26)))),
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
