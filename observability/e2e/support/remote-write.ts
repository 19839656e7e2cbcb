/**
 * A minimal Prometheus remote-write client (protocol 1.0): a protobuf `WriteRequest`, compressed
 * with snappy, POSTed to /api/v1/write — the same request k6's `experimental-prometheus-rw`
 * output sends. Written by hand because only these few bytes are needed:
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms
 *
 * Snappy: a block may consist of literals only, which every decoder accepts; compression is not
 * the point here. See https://github.com/google/snappy/blob/main/format_description.txt.
 */

export interface Series {
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return bytes;
}

const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const lengthDelimited = (field: number, body: number[]) => [
  ...key(field, 2),
  ...varint(body.length),
  ...body,
];
const text = (field: number, value: string) =>
  lengthDelimited(field, [...Buffer.from(value, 'utf8')]);

function encodeSample(value: number, timestampMs: number): number[] {
  const double = Buffer.alloc(8);
  double.writeDoubleLE(value);
  return [...key(1, 1), ...double, ...key(2, 0), ...varint(timestampMs)];
}

export function encodeWriteRequest(series: Series[]): Buffer {
  const bytes: number[] = [];
  for (const s of series) {
    // The spec asks for label names in lexicographic order.
    const labels = Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const body = [
      ...labels.flatMap(([name, value]) =>
        lengthDelimited(1, [...text(1, name), ...text(2, value)]),
      ),
      ...s.samples.flatMap((sample) =>
        lengthDelimited(2, encodeSample(sample.value, sample.timestampMs)),
      ),
    ];
    bytes.push(...lengthDelimited(1, body));
  }
  return Buffer.from(bytes);
}

/** Snappy block format, literals only: the uncompressed length, then ≤ 64 KiB literal chunks. */
export function snappyLiteral(data: Buffer): Buffer {
  const out: number[] = [...varint(data.length)];
  for (let offset = 0; offset < data.length; offset += 65536) {
    const chunk = data.subarray(offset, offset + 65536);
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

/** POSTs the series; resolves with the HTTP status (Prometheus answers 204 when it stored them). */
export async function remoteWrite(
  prometheusUrl: string,
  series: Series[],
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${prometheusUrl}/api/v1/write`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body: snappyLiteral(encodeWriteRequest(series)),
  });
  return { status: response.status, body: await response.text() };
}
