/**
 * Decodes an OTLP/HTTP protobuf trace export (`ExportTraceServiceRequest`) into the same plain
 * shape the OTLP/JSON encoding has, so one receiver can read either protocol. Only the fields a
 * test looks at are read (ids, name, kind, attributes, resource); everything else is skipped by
 * wire type. Field numbers are those of opentelemetry-proto's `trace/v1/trace.proto` and
 * `common/v1/common.proto`.
 */

import { OtlpDecodeError } from './errors';

export type OtlpAttributeValue = string | number | boolean;

/** One span, as both OTLP encodings carry it (ids in hex). */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, OtlpAttributeValue>;
}

export interface DecodedResourceSpans {
  resource: Record<string, OtlpAttributeValue>;
  spans: DecodedSpan[];
}

/** Protobuf wire types. */
const Wire = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;

/** A cursor over one protobuf message (a sub-view of the request body). */
class Reader {
  #pos = 0;
  readonly #buf: Uint8Array;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  /** A varint as a BigInt (int64 values may exceed 2^53; negative ones take ten bytes). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#pos >= this.#buf.length) throw new OtlpDecodeError('Truncated varint');
      const byte = this.#buf[this.#pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new OtlpDecodeError('Varint longer than 10 bytes');
    }
  }

  tag(): { field: number; wire: number } {
    const raw = Number(this.varint());
    return { field: raw >>> 3, wire: raw & 7 };
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    const end = this.#pos + length;
    if (end > this.#buf.length) throw new OtlpDecodeError('Truncated length-delimited field');
    const out = this.#buf.subarray(this.#pos, end);
    this.#pos = end;
    return out;
  }

  double(): number {
    const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + this.#advance(8), 8);
    return view.getFloat64(0, true);
  }

  /** Moves past `n` fixed bytes; returns where they start. */
  #advance(n: number): number {
    const start = this.#pos;
    if (start + n > this.#buf.length) throw new OtlpDecodeError('Truncated fixed-width field');
    this.#pos += n;
    return start;
  }

  skip(wire: number): void {
    switch (wire) {
      case Wire.Varint:
        this.varint();
        return;
      case Wire.Fixed64:
        this.#advance(8);
        return;
      case Wire.Bytes:
        this.bytes();
        return;
      case Wire.Fixed32:
        this.#advance(4);
        return;
      default:
        throw new OtlpDecodeError(`Unsupported wire type ${wire}`);
    }
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8 = {
  decode: (bytes: Uint8Array): string => {
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      // TextDecoder's only failure here is invalid UTF-8 (ERR_ENCODING_INVALID_ENCODED_DATA).
      throw new OtlpDecodeError('A string field is not valid UTF-8');
    }
  },
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** `AnyValue`: string 1, bool 2, int 3, double 4; arrays, maps and bytes read as ''. */
function anyValue(buf: Uint8Array): OtlpAttributeValue {
  const r = new Reader(buf);
  let value: OtlpAttributeValue = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === Wire.Bytes) value = utf8.decode(r.bytes());
    else if (field === 2 && wire === Wire.Varint) value = r.varint() !== 0n;
    else if (field === 3 && wire === Wire.Varint) value = Number(BigInt.asIntN(64, r.varint()));
    else if (field === 4 && wire === Wire.Fixed64) value = r.double();
    else r.skip(wire);
  }
  return value;
}

/** `KeyValue`: key 1, value 2. */
function keyValue(buf: Uint8Array, into: Record<string, OtlpAttributeValue>): void {
  const r = new Reader(buf);
  let key = '';
  let value: OtlpAttributeValue = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === Wire.Bytes) key = utf8.decode(r.bytes());
    else if (field === 2 && wire === Wire.Bytes) value = anyValue(r.bytes());
    else r.skip(wire);
  }
  into[key] = value;
}

/** `Span`: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9. */
function span(buf: Uint8Array): DecodedSpan {
  const r = new Reader(buf);
  const out: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: undefined,
    name: '',
    kind: 0,
    attributes: {},
  };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === Wire.Bytes) out.traceId = hex(r.bytes());
    else if (field === 2 && wire === Wire.Bytes) out.spanId = hex(r.bytes());
    else if (field === 4 && wire === Wire.Bytes) {
      const parent = r.bytes();
      out.parentSpanId = parent.length ? hex(parent) : undefined;
    } else if (field === 5 && wire === Wire.Bytes) out.name = utf8.decode(r.bytes());
    else if (field === 6 && wire === Wire.Varint) out.kind = Number(r.varint());
    else if (field === 9 && wire === Wire.Bytes) keyValue(r.bytes(), out.attributes);
    else r.skip(wire);
  }
  return out;
}

/** Calls `fn` with every length-delimited `field` of the message in `buf`. */
function eachMessage(buf: Uint8Array, field: number, fn: (message: Uint8Array) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === field && tag.wire === Wire.Bytes) fn(r.bytes());
    else r.skip(tag.wire);
  }
}

/**
 * `ExportTraceServiceRequest` → resource_spans 1 → { resource 1 → attributes 1, scope_spans 2 →
 * spans 2 }.
 * @throws OtlpDecodeError on a truncated or malformed body
 */
export function decodeOtlpProtobufTraces(body: Uint8Array): DecodedResourceSpans[] {
  const out: DecodedResourceSpans[] = [];
  eachMessage(body, 1, (resourceSpans) => {
    const entry: DecodedResourceSpans = { resource: {}, spans: [] };
    const r = new Reader(resourceSpans);
    while (!r.done) {
      const { field, wire } = r.tag();
      if (field === 1 && wire === Wire.Bytes)
        eachMessage(r.bytes(), 1, (kv) => keyValue(kv, entry.resource));
      else if (field === 2 && wire === Wire.Bytes)
        eachMessage(r.bytes(), 2, (s) => entry.spans.push(span(s)));
      else r.skip(wire);
    }
    out.push(entry);
  });
  return out;
}

/**
 * Counts the spans of an `ExportTraceServiceRequest` without decoding them: a benchmark's sink
 * needs the number alone, and on a shared machine the CPU it spends decoding is taken from the
 * service it measures (a full decode costs about 10 µs a span here; skipping by length, a
 * fraction of one).
 * @throws OtlpDecodeError on a truncated or malformed body, as the decoder does
 */
export function countOtlpProtobufSpans(body: Uint8Array): number {
  let count = 0;
  eachMessage(body, 1, (resourceSpans) =>
    eachMessage(resourceSpans, 2, (scopeSpans) => eachMessage(scopeSpans, 2, () => count++)),
  );
  return count;
}
