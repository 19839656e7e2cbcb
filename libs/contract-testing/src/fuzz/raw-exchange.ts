import { connect } from 'node:net';

/** What came back for one request sent on its own connection. */
export type RawOutcome =
  | {
      kind: 'answer';
      status: number;
      /** Lower-case names; a repeated header keeps its last value. */
      headers: Record<string, string>;
      body: string;
      /**
       * Whether the server closed the connection within `closeWithinMs` of its answer; present
       * only when that option was given.
       */
      closed?: boolean;
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
  /**
   * After a complete answer, how long to wait for the server to close the connection (the
   * outcome's `closed` says whether it did). Unset: the answer is taken at once.
   */
  closeWithinMs?: number;
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
    // A complete answer, kept while waiting for the close `closeWithinMs` asks about.
    let answered: Extract<RawOutcome, { kind: 'answer' }> | undefined;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    let timer = setTimeout(
      () => finish({ kind: 'timeout', received: received.toString('latin1').slice(0, 300) }),
      options.deadlineMs,
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (answered) return;
      const answer = parseAnswer(received, options.head, false);
      if (answer?.kind !== 'answer') return;
      if (options.closeWithinMs === undefined) return finish(answer);
      answered = answer;
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ...answer, closed: false }), options.closeWithinMs);
    });
    const closed = (detail: string) => {
      const answer = answered ?? parseAnswer(received, options.head, true);
      finish(
        answer
          ? { ...answer, ...(options.closeWithinMs === undefined ? {} : { closed: true }) }
          : {
              kind: 'closed',
              detail: `${detail}; received ${JSON.stringify(received.toString('latin1').slice(0, 200))}`,
            },
      );
    };
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

type Answer = Extract<RawOutcome, { kind: 'answer' }>;

/** The first non-1xx answer in `data` once complete (or, at the close, whatever there is). */
function parseAnswer(data: Buffer, head: boolean, atClose: boolean): Answer | undefined {
  return parseOne(data, head, atClose)?.answer;
}

/**
 * Every complete answer in `data`, in order: what a connection carried back for requests sent
 * one behind the other on it (pipelined). None to a HEAD: each answer must say its length.
 */
export function parseAnswers(data: Buffer): RawOutcome[] {
  const answers: RawOutcome[] = [];
  for (let next = parseOne(data, false, false); next; next = parseOne(next.rest, false, false))
    answers.push(next.answer);
  return answers;
}

/** The first non-1xx answer in `data` once complete, and what follows it. */
function parseOne(
  data: Buffer,
  head: boolean,
  atClose: boolean,
): { answer: Answer; rest: Buffer } | undefined {
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
    const answer = (body: Buffer, after: Buffer) => ({
      answer: { kind: 'answer' as const, status, headers, body: body.toString('utf8') },
      rest: after,
    });
    if (head || status === 204 || status === 304) return answer(Buffer.alloc(0), bodyStart);
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const chunked = dechunk(bodyStart);
      return chunked ? answer(chunked.body, bodyStart.subarray(chunked.end)) : undefined;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      const n = Number(length);
      return bodyStart.length >= n
        ? answer(bodyStart.subarray(0, n), bodyStart.subarray(n))
        : undefined;
    }
    return atClose ? answer(bodyStart, Buffer.alloc(0)) : undefined;
  }
}

/**
 * The body of a complete chunked encoding and where the encoding ends in `data`, or undefined
 * while chunks are missing.
 */
function dechunk(data: Buffer): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return undefined;
    // The last chunk's CRLF (no trailers: the services send none).
    if (size === 0) return { body: Buffer.concat(parts), end: lineEnd + 4 };
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
