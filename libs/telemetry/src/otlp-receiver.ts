import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OtlpDecodeError } from './errors';
import {
  countOtlpProtobufSpans,
  decodeOtlpProtobufTraces,
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
  /** Body bytes of the accepted requests. */
  bytes: number;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};

/** Refuses what OTLP/JSON does not allow where the decoder reads: a 400, never a crash. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new OtlpDecodeError(`not OTLP/JSON: ${what}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An optional list: absent is empty (proto3 JSON omits empty fields), anything else refused. */
function listAt(owner: Record<string, unknown>, field: string): unknown[] {
  const value = owner[field];
  if (value === undefined) return [];
  check(Array.isArray(value), `${field} is not a list`);
  return value as unknown[];
}

function flatten(attributes: unknown[]): Record<string, OtlpAttributeValue> {
  const out: Record<string, OtlpAttributeValue> = {};
  for (const entry of attributes) {
    check(isObject(entry) && typeof entry['key'] === 'string', 'an attribute without a key');
    const { key, value } = entry as { key: string; value?: unknown };
    const any = (isObject(value) ? value : {}) as AnyValue;
    out[key] =
      any.stringValue ??
      (any.intValue !== undefined ? Number(any.intValue) : undefined) ??
      any.boolValue ??
      any.doubleValue ??
      '';
  }
  return out;
}

/** A span's id: a string (OTLP/JSON writes ids in hex), never a missing one read as "undefined". */
function idAt(span: Record<string, unknown>, field: 'traceId' | 'spanId'): string {
  const id = span[field];
  check(typeof id === 'string' && id !== '', `a span without a ${field}`);
  return id as string;
}

/** OTLP/JSON, decoded into the same shape as the protobuf decoder's. */
function decodeJsonTraces(body: Buffer): DecodedResourceSpans[] {
  const payload: unknown = JSON.parse(body.toString('utf8'));
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
          const parent = fields['parentSpanId'];
          return {
            traceId: idAt(fields, 'traceId'),
            spanId: idAt(fields, 'spanId'),
            parentSpanId: typeof parent === 'string' && parent !== '' ? parent : undefined,
            name: String(fields['name']),
            kind: Number(fields['kind']),
            attributes: flatten(listAt(fields, 'attributes')),
          };
        });
      }),
    };
  });
}

const PROTOBUF = /^application\/x-protobuf\b/;
const JSON_TYPE = /^application\/json\b/;

export interface OtlpReceiverOptions {
  /**
   * Keep every decoded span in `spans` (tests read them). Off, the receiver only counts — a
   * sink for benchmarks, whose memory must not grow with the run.
   * @default true
   */
  keepSpans?: boolean;
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
 * `OTEL_EXPORTER_OTLP_PROTOCOL` `http/json` and `http/protobuf` send — decodes every span and
 * keeps it. Not a mock of the exporter: the exporter does its real work over a real socket.
 * Anything else is refused: 415 for another content type or path, 400 for a body that does not
 * decode.
 */
export function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const keep = options.keepSpans ?? true;
  const spans: ReceivedSpan[] = [];
  const counts: ReceiverCounts = { requests: 0, spans: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      const protocol = PROTOBUF.test(type)
        ? 'http/protobuf'
        : JSON_TYPE.test(type)
          ? 'http/json'
          : undefined;
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !protocol) {
        res.writeHead(415).end();
        return;
      }
      const body = Buffer.concat(chunks);
      let decoded: DecodedResourceSpans[] = [];
      let spanCount = 0;
      try {
        // A sink that keeps nothing counts protobuf spans without decoding them.
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
        res.writeHead(malformed ? 400 : 500).end();
        return;
      }
      counts.requests++;
      counts.bytes += body.length;
      counts.spans += spanCount;
      if (keep)
        for (const { resource, spans: batch } of decoded)
          for (const span of batch) spans.push({ ...span, resource, protocol });
      // An empty ExportTraceServiceResponse, in the encoding the request used.
      if (protocol === 'http/protobuf')
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
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
