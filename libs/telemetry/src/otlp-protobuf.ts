/**
 * Decodes an OTLP/HTTP protobuf trace export (`ExportTraceServiceRequest`) into the same plain
 * shape the OTLP/JSON encoding has, so one receiver can read either protocol. Only the fields a
 * test looks at are read (ids, name, kind, attributes, resource); everything else is skipped by
 * wire type. Field numbers are those of opentelemetry-proto's `trace/v1/trace.proto` and
 * `common/v1/common.proto`.
 */

import { OtlpDecodeError } from './errors';

/**
 * A scalar attribute value. An `int_value` is a number when a double holds it exactly, else a
 * bigint: an int64 past 2^53 (another language's SDK may send one) keeps every digit.
 */
export type OtlpAttributeValue = string | number | boolean | bigint;

/** An int64 as a number when that loses nothing, else as a bigint. */
export function int64Value(value: bigint): number | bigint {
  const number = Number(value);
  return BigInt(number) === value ? number : value;
}

/**
 * Sets one attribute. `__proto__` is a legal attribute key; assigned, it would set the record's
 * prototype instead of a property, and the attribute would be lost.
 */
export function setAttribute(
  into: Record<string, OtlpAttributeValue>,
  key: string,
  value: OtlpAttributeValue,
): void {
  if (key === '__proto__')
    Object.defineProperty(into, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else into[key] = value;
}

/**
 * Span and trace ids, as byte lengths: a trace id is 16 bytes and a span id 8 (trace.proto); a
 * parent span id is 8, or empty for a root span. A span without its ids is not one any backend
 * can place, so it is refused, in both encodings alike.
 */
export function checkSpanIds(traceId: number, spanId: number, parentSpanId: number): void {
  if (traceId !== 16) throw new OtlpDecodeError(`A span's trace id is ${traceId} bytes, not 16`);
  if (spanId !== 8) throw new OtlpDecodeError(`A span's span id is ${spanId} bytes, not 8`);
  if (parentSpanId !== 0 && parentSpanId !== 8)
    throw new OtlpDecodeError(`A span's parent span id is ${parentSpanId} bytes, not 8 or none`);
}

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
const Wire = { Varint: 0, Fixed64: 1, Bytes: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

/**
 * How deep unknown groups may nest before the body is refused: a group is skipped tag by tag,
 * and a body of nothing but start-group tags must not hold the decoder (protobuf's own parsers
 * bound message nesting the same way).
 */
const MAX_GROUP_DEPTH = 64;

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

  /** Moves past the value of a field the decoder does not read, whatever its wire type. */
  skip(field: number, wire: number): void {
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
      case Wire.StartGroup:
        this.#skipGroup(field);
        return;
      default:
        throw new OtlpDecodeError(`Unsupported wire type ${wire}`);
    }
  }

  /**
   * A group (the deprecated wire types 3 and 4) is still legal protobuf for an unknown field, and
   * parsers skip it (protobufjs, the exporter's own library, does): past every field up to the
   * end-group tag of the same field number, nested groups included.
   */
  #skipGroup(field: number): void {
    const open = [field];
    while (open.length > 0) {
      if (this.done) throw new OtlpDecodeError(`Group ${open.at(-1)} is not closed`);
      const tag = this.tag();
      if (tag.wire === Wire.EndGroup) {
        if (tag.field !== open.pop())
          throw new OtlpDecodeError(`End of group ${tag.field} inside another group`);
      } else if (tag.wire === Wire.StartGroup) {
        if (open.length >= MAX_GROUP_DEPTH)
          throw new OtlpDecodeError(`Groups nested deeper than ${MAX_GROUP_DEPTH}`);
        open.push(tag.field);
      } else this.skip(tag.field, tag.wire);
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
    else if (field === 3 && wire === Wire.Varint) value = int64Value(BigInt.asIntN(64, r.varint()));
    else if (field === 4 && wire === Wire.Fixed64) value = r.double();
    else r.skip(field, wire);
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
    else r.skip(field, wire);
  }
  setAttribute(into, key, value);
}

/** `Span`: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9. */
function span(buf: Uint8Array): DecodedSpan {
  const r = new Reader(buf);
  const none: Uint8Array = new Uint8Array();
  const ids = { trace: none, span: none, parent: none };
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
    if (field === 1 && wire === Wire.Bytes) ids.trace = r.bytes();
    else if (field === 2 && wire === Wire.Bytes) ids.span = r.bytes();
    else if (field === 4 && wire === Wire.Bytes) ids.parent = r.bytes();
    else if (field === 5 && wire === Wire.Bytes) out.name = utf8.decode(r.bytes());
    // An enum is an int32: a longer varint keeps its low 32 bits, as protobuf's parsers read it.
    else if (field === 6 && wire === Wire.Varint) out.kind = Number(BigInt.asIntN(32, r.varint()));
    else if (field === 9 && wire === Wire.Bytes) keyValue(r.bytes(), out.attributes);
    else r.skip(field, wire);
  }
  checkSpanIds(ids.trace.length, ids.span.length, ids.parent.length);
  out.traceId = hex(ids.trace);
  out.spanId = hex(ids.span);
  out.parentSpanId = ids.parent.length ? hex(ids.parent) : undefined;
  return out;
}

/** Checks a span's ids without decoding the rest of it (the counting sink's check). */
function spanIds(buf: Uint8Array): void {
  const r = new Reader(buf);
  const lengths = [0, 0, 0, 0, 0];
  while (!r.done) {
    const { field, wire } = r.tag();
    if ((field === 1 || field === 2 || field === 4) && wire === Wire.Bytes)
      lengths[field] = r.bytes().length;
    else r.skip(field, wire);
  }
  checkSpanIds(lengths[1] as number, lengths[2] as number, lengths[4] as number);
}

/** Calls `fn` with every length-delimited `field` of the message in `buf`. */
function eachMessage(buf: Uint8Array, field: number, fn: (message: Uint8Array) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === field && tag.wire === Wire.Bytes) fn(r.bytes());
    else r.skip(tag.field, tag.wire);
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
      else r.skip(field, wire);
    }
    out.push(entry);
  });
  return out;
}

/**
 * Counts the spans of an `ExportTraceServiceRequest` without decoding them: a benchmark's sink
 * needs the number alone, and on a shared machine the CPU it spends decoding is taken from the
 * service it measures (a full decode costs about 10 µs a span here; skipping by length, a
 * fraction of one). Each span's ids are still checked, so that the sink refuses what the
 * decoder refuses.
 * @throws OtlpDecodeError on a truncated or malformed body, as the decoder does
 */
export function countOtlpProtobufSpans(body: Uint8Array): number {
  let count = 0;
  eachMessage(body, 1, (resourceSpans) =>
    eachMessage(resourceSpans, 2, (scopeSpans) =>
      eachMessage(scopeSpans, 2, (s) => {
        spanIds(s);
        count++;
      }),
    ),
  );
  return count;
}
