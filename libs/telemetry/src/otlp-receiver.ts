import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { OtlpDecodeError, OtlpReceiverOptionError } from './errors';
import { createGunzip } from 'node:zlib';
import {
  countOtlpProtobufSpans,
  decodeOtlpProtobufTraces,
  int64Value,
  setAttribute,
  type DecodedResourceSpans,
  type DecodedSpan,
  type OtlpAttributeValue,
} from './otlp-protobuf';

/** One span as OTLP carries it, with its resource's attributes and how it arrived. */
export interface ReceivedSpan extends DecodedSpan {
  resource: Record<string, OtlpAttributeValue>;
  /** `OTEL_EXPORTER_OTLP_PROTOCOL` `http/json` or `http/protobuf`. */
  protocol: 'http/json' | 'http/protobuf';
}

/** What arrived so far, whether or not the spans are kept. */
export interface ReceiverCounts {
  /** Export requests accepted (200). */
  requests: number;
  spans: number;
  /** Body bytes of the accepted requests (after decompression). */
  bytes: number;
}

/** Refuses what OTLP/JSON does not allow where the decoder reads: a 400, never a crash. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new OtlpDecodeError(`not OTLP/JSON: ${what}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An optional list: absent or `null` is empty (proto3 JSON omits empty fields, and its parsers
 * take null as a field's default), anything else refused.
 */
function listAt(owner: Record<string, unknown>, field: string): unknown[] {
  const value = owner[field];
  if (value === undefined || value === null) return [];
  check(Array.isArray(value), `${field} is not a list`);
  return value as unknown[];
}

/** proto3 JSON writes an int64 as a decimal string, and readers take a number too. */
const INT64_STRING = /^-?\d+$/;
/** A double may come as a string too: a number's JSON text, or one of the three non-numbers. */
const DOUBLE_STRING = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity)$/;

/** An `intValue`: an integer in int64's range, as the protobuf decoder reads it. */
function int64At(value: unknown): number | bigint {
  const integral =
    (typeof value === 'string' && INT64_STRING.test(value)) ||
    (typeof value === 'number' && Number.isInteger(value));
  check(integral, `intValue ${JSON.stringify(value)} is not an integer`);
  const big = BigInt(value as string | number);
  check(BigInt.asIntN(64, big) === big, `intValue ${String(value)} is out of int64's range`);
  return int64Value(big);
}

/**
 * `AnyValue`, read as the protobuf decoder reads it: arrays, maps and bytes as ''. A `null`
 * stringValue, intValue or boolValue is proto3 JSON's default, the field not set: the value is
 * read from the others.
 */
function anyValue(value: unknown): OtlpAttributeValue {
  if (!isObject(value)) return '';
  const { stringValue, intValue, boolValue, doubleValue } = value;
  if (stringValue !== undefined && stringValue !== null) {
    check(typeof stringValue === 'string', 'a stringValue is not a string');
    return stringValue as string;
  }
  if (intValue !== undefined && intValue !== null) return int64At(intValue);
  if (boolValue !== undefined && boolValue !== null) {
    check(typeof boolValue === 'boolean', 'a boolValue is not a boolean');
    return boolValue as boolean;
  }
  // OpenTelemetry JS's JSON exporter writes NaN, Infinity and -Infinity as JSON.stringify does:
  // `null`. The key still says a double was sent, one JSON could not carry; NaN, as the same
  // span's NaN decodes over protobuf, is the one double that claims no value it may not have had.
  if (doubleValue === null) return Number.NaN;
  if (doubleValue !== undefined) {
    const numeric =
      typeof doubleValue === 'number' ||
      (typeof doubleValue === 'string' && DOUBLE_STRING.test(doubleValue));
    check(numeric, `doubleValue ${JSON.stringify(doubleValue)} is not a number`);
    return Number(doubleValue);
  }
  return '';
}

function flatten(attributes: unknown[]): Record<string, OtlpAttributeValue> {
  const out: Record<string, OtlpAttributeValue> = {};
  for (const entry of attributes) {
    // A null key is proto3 JSON's default, '' (an attribute the protobuf decoder reads as '').
    check(
      isObject(entry) && (typeof entry['key'] === 'string' || entry['key'] === null),
      'an attribute without a key',
    );
    const { key, value } = entry as { key: string | null; value?: unknown };
    setAttribute(out, key ?? '', anyValue(value));
  }
  return out;
}

/**
 * A span's id in hex (OTLP/JSON's deviation from proto3 JSON's base64), as many digits as the
 * protobuf decoder's bytes give, lowercased as it writes them: the spec reads hex
 * case-insensitively. `optional` (the parent's id) may be absent or empty: a root span.
 */
function idAt(span: Record<string, unknown>, field: string, bytes: number): string | undefined {
  const id = span[field] ?? '';
  check(typeof id === 'string', `a span's ${field} is not a string`);
  const digits = id as string;
  check(/^[0-9a-fA-F]*$/.test(digits), `a span's ${field} is not hex`);
  if (field === 'parentSpanId' && digits === '') return undefined;
  check(digits.length === bytes * 2, `a span's ${field} is not ${bytes * 2} hex digits`);
  return digits.toLowerCase();
}

/**
 * An enum (`kind`): OTLP/JSON allows its integer only, never its name (spec: MUST NOT), and
 * protobuf enums are int32s.
 */
function kindAt(span: Record<string, unknown>): number {
  const kind = span['kind'] ?? 0;
  check(
    Number.isInteger(kind) && (kind as number) === ((kind as number) | 0),
    `a span's kind ${JSON.stringify(kind)} is not an int32`,
  );
  return kind as number;
}

/** JSON text read as protobuf reads strings: invalid UTF-8 is refused, never replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** OTLP/JSON, decoded into the same shape as the protobuf decoder's, and as strictly. */
function decodeJsonTraces(body: Buffer): DecodedResourceSpans[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpDecodeError('not OTLP/JSON: the body is not valid UTF-8');
  }
  const payload: unknown = JSON.parse(text);
  check(isObject(payload), 'the body is not an object');
  return listAt(payload as Record<string, unknown>, 'resourceSpans').map((rs) => {
    check(isObject(rs), 'a resourceSpans entry is not an object');
    const resource = (rs as Record<string, unknown>)['resource'];
    return {
      resource: flatten(isObject(resource) ? listAt(resource, 'attributes') : []),
      spans: listAt(rs as Record<string, unknown>, 'scopeSpans').flatMap((ss) => {
        check(isObject(ss), 'a scopeSpans entry is not an object');
        return listAt(ss as Record<string, unknown>, 'spans').map((span) => {
          check(isObject(span), 'a span is not an object');
          const fields = span as Record<string, unknown>;
          // proto3 JSON leaves out a field at its default: no name is '', no kind is 0.
          const name = fields['name'] ?? '';
          check(typeof name === 'string', "a span's name is not a string");
          return {
            traceId: idAt(fields, 'traceId', 16) as string,
            spanId: idAt(fields, 'spanId', 8) as string,
            parentSpanId: idAt(fields, 'parentSpanId', 8),
            name: name as string,
            kind: kindAt(fields),
            attributes: flatten(listAt(fields, 'attributes')),
          };
        });
      }),
    };
  });
}

/** The media type of a Content-Type, without parameters; media types are case-insensitive. */
const mediaType = (header: string | undefined): string =>
  (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

const PROTOCOLS: Record<string, ReceivedSpan['protocol'] | undefined> = {
  'application/x-protobuf': 'http/protobuf',
  'application/json': 'http/json',
};

/** The spec's recommended default limit of a request body, after decompression. */
const DEFAULT_MAX_BODY_BYTES = 64 * 2 ** 20;

/**
 * A failure's body: a `google.rpc.Status` with its `message` (field 2), in the request's
 * encoding — OTLP/HTTP answers every 4xx and 5xx so; protobuf unless the request was JSON.
 */
function statusBody(protocol: ReceivedSpan['protocol'] | undefined, message: string) {
  if (protocol === 'http/json')
    return { type: 'application/json', body: Buffer.from(JSON.stringify({ message })) };
  const text = Buffer.from(message);
  const length: number[] = [];
  for (let rest = text.length; ; rest = Math.floor(rest / 128)) {
    length.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    if (rest <= 0x7f) break;
  }
  return {
    type: 'application/x-protobuf',
    body: Buffer.concat([Uint8Array.of(0x12, ...length), text]),
  };
}

export interface OtlpReceiverOptions {
  /**
   * Keep every decoded span in `spans` (tests read them). Off, the receiver only counts — a
   * sink for benchmarks, whose memory must not grow with the run.
   * @default true
   */
  keepSpans?: boolean;
  /**
   * The largest request body read, after decompression: past it the receiver answers 413 and
   * reads no further (the OTLP spec's MUST, with its recommended default, 64 MiB).
   * @default 67108864
   */
  maxBodyBytes?: number;
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly counts: Readonly<ReceiverCounts>;
  close(): Promise<void>;
}

/**
 * A real OTLP/HTTP receiver for tests, local runs and benchmarks: accepts `POST /v1/traces` in
 * OTLP/JSON (`application/json`) or OTLP/protobuf (`application/x-protobuf`) — what
 * `OTEL_EXPORTER_OTLP_PROTOCOL` `http/json` and `http/protobuf` send — uncompressed or gzipped
 * (`OTEL_EXPORTER_OTLP_COMPRESSION`), decodes every span and keeps it. Not a mock of the
 * exporter: the exporter does its real work over a real socket. It answers as the OTLP spec
 * has a collector answer: 404 for another path, 405 for another method, 415 for another content
 * type or encoding — each at once, without reading the body — 413 for a body past
 * `maxBodyBytes`, 400 for one that does not decode; every refusal with a `Status` body saying
 * why.
 * @throws OtlpReceiverOptionError when `maxBodyBytes` is not a positive integer
 */
export function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const keep = options.keepSpans ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new OtlpReceiverOptionError(
      `maxBodyBytes must be a positive integer, not ${String(maxBodyBytes)}`,
    );
  const spans: ReceivedSpan[] = [];
  const counts: ReceiverCounts = { requests: 0, spans: 0, bytes: 0 };

  /** Decodes an export and keeps what it carries; the 400 (or 500) when it does not decode. */
  const accept = (
    protocol: ReceivedSpan['protocol'],
    body: Buffer,
  ): { status: number; message?: string } => {
    let decoded: DecodedResourceSpans[] = [];
    let spanCount = 0;
    try {
      // A sink that keeps nothing counts protobuf spans without building them (checked all the
      // same: it refuses what the decoder refuses).
      if (protocol === 'http/protobuf' && !keep) spanCount = countOtlpProtobufSpans(body);
      else {
        decoded =
          protocol === 'http/protobuf' ? decodeOtlpProtobufTraces(body) : decodeJsonTraces(body);
        for (const entry of decoded) spanCount += entry.spans.length;
      }
    } catch (error) {
      // A body that does not parse is the client's fault: OTLP/HTTP answers 400 (the
      // exporter does not retry). Anything else is a bug of ours: 500, and say so.
      const malformed = error instanceof SyntaxError || error instanceof OtlpDecodeError;
      if (!malformed) process.stderr.write(`otlp receiver: ${String(error)}\n`);
      const { code } = error as { code?: unknown };
      const message = typeof code === 'string' ? `${code}: ${(error as Error).message}` : error;
      return { status: malformed ? 400 : 500, message: String(message) };
    }
    counts.requests++;
    counts.bytes += body.length;
    counts.spans += spanCount;
    if (keep)
      for (const { resource, spans: batch } of decoded)
        for (const span of batch) spans.push({ ...span, resource, protocol });
    return { status: 200 };
  };

  const server: Server = createServer((req, res) => {
    const protocol = PROTOCOLS[mediaType(req.headers['content-type'])];
    let answered = false;
    /**
     * Answers once. A refusal closes the connection: the rest of a body the receiver will not
     * read must not be read to find the next request on it.
     */
    const answer = (status: number, message?: string, headers: OutgoingHttpHeaders = {}) => {
      if (answered) return;
      answered = true;
      if (status === 200) {
        // An empty ExportTraceServiceResponse, in the encoding the request used.
        if (protocol === 'http/protobuf')
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const { type, body } = statusBody(protocol, message ?? `HTTP ${status}`);
      res.writeHead(status, { ...headers, 'content-type': type, connection: 'close' }).end(body);
    };

    // What can be refused from the request line and headers is refused before any body is read.
    if (req.url?.split('?', 1)[0] !== '/v1/traces')
      return answer(404, `no such path ${req.url ?? ''}: OTLP traces go to /v1/traces`);
    if (req.method !== 'POST')
      return answer(405, `${req.method ?? ''} is not allowed: OTLP exports are POSTs`, {
        allow: 'POST',
      });
    if (!protocol)
      return answer(
        415,
        `content type ${req.headers['content-type'] ?? '(none)'} is neither ` +
          'application/x-protobuf nor application/json',
      );
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'gzip' && encoding !== 'identity')
      return answer(415, `content encoding ${encoding} is neither gzip nor identity`);

    // The body, gunzipped as it streams in; the limit counts what decompression yields, so a
    // small gzip of a huge body stops inflating at the limit.
    const gunzip = encoding === 'gzip' ? createGunzip() : undefined;
    const source: Readable = gunzip ? req.pipe(gunzip) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
      else {
        stop();
        chunks.length = 0; // what was read goes now, not with the request
        answer(413, `the request body is larger than ${maxBodyBytes} bytes`);
      }
    };
    const onEnd = () => {
      const { status, message } = accept(protocol, Buffer.concat(chunks));
      answer(status, message);
    };
    /** Reads no more of the body: what is left of it goes with the connection. */
    const stop = () => {
      source.off('data', onData).off('end', onEnd);
      req.unpipe();
      req.pause();
      gunzip?.destroy();
    };
    source.on('data', onData).on('end', onEnd);
    gunzip?.on('error', (error) => {
      stop();
      answer(400, `the body is not gzip: ${error.message}`);
    });
    // A client gone mid-body leaves nothing to answer.
    req.on('error', stop);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        spans,
        counts,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
