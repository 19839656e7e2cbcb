import { connect } from 'node:net';

/** What came back for one request sent on its own connection. */
export type RawOutcome =
  | {
      kind: 'answer';
      status: number;
      /** Lower-case names; a repeated header keeps its last value. */
      headers: Record<string, string>;
      body: string;
    }
  /** The server closed (or reset) the connection without a complete answer. */
  | { kind: 'closed'; detail: string }
  /** Neither an answer nor a close within the deadline: a hang. */
  | { kind: 'timeout'; received: string };

export interface ExchangeOptions {
  /** How long an answer may take before the case counts as a hang. */
  deadlineMs: number;
  /** Half-close after writing (the client promised more than it sent and gave up). */
  halfClose: boolean;
  /** `HEAD` answers carry no body whatever their `Content-Length` says. */
  head: boolean;
}

/**
 * Writes `bytes` on a new TCP connection and reads one HTTP/1.1 answer (skipping `1xx`), by
 * `Content-Length`, chunked encoding or the close. A raw socket, not `fetch`: the fuzz sends
 * what no well-behaved client would (bad methods, raw bytes, broken framing).
 */
export function rawExchange(
  port: number,
  bytes: Buffer,
  options: ExchangeOptions,
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ kind: 'timeout', received: received.toString('latin1').slice(0, 300) }),
      options.deadlineMs,
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received, options.head, false);
      if (answer) finish(answer);
    });
    const closed = (detail: string) =>
      finish(
        parseAnswer(received, options.head, true) ?? {
          kind: 'closed',
          detail: `${detail}; received ${JSON.stringify(received.toString('latin1').slice(0, 200))}`,
        },
      );
    socket.on('end', () => closed('end'));
    socket.on('close', () => closed('close'));
    // A reset while we still write is the server closing on a request it refused: the answer
    // (if any) is already in `received`.
    socket.on('error', (error: NodeJS.ErrnoException) => closed(error.code ?? error.message));
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}

/** The first non-1xx answer in `data` once complete (or, at the close, whatever there is). */
function parseAnswer(data: Buffer, head: boolean, atClose: boolean): RawOutcome | undefined {
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyStart = rest.subarray(end + 4);
    if (status < 200) {
      rest = bodyStart; // 100 Continue: the real answer follows
      continue;
    }
    const answer = (body: Buffer): RawOutcome => ({
      kind: 'answer',
      status,
      headers,
      body: body.toString('utf8'),
    });
    if (head || status === 204 || status === 304) return answer(Buffer.alloc(0));
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const body = dechunk(bodyStart);
      return body ? answer(body) : undefined;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      const n = Number(length);
      return bodyStart.length >= n ? answer(bodyStart.subarray(0, n)) : undefined;
    }
    return atClose ? answer(bodyStart) : undefined;
  }
}

/** The body of a complete chunked encoding, or undefined while chunks are missing. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
