import { connect } from 'node:net';
import { parseAnswers, rawExchange, type RawOutcome } from './fuzz/raw-exchange';

/** The Fetch standard's null body statuses (101 is never an answer here: rawExchange skips 1xx). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** How long a raw request may wait for its answer before it counts as a hang. */
const RAW_DEADLINE_MS = 5000;

/**
 * What comes back for `request` written as is on a new connection, as a fetch `Response`: for
 * what fetch cannot send (a body announced and never sent, headers never finished, broken
 * framing, not HTTP). Throws when the service closed without an answer or gave none in time.
 */
export async function rawAnswer(base: string, request: string | Buffer): Promise<Response> {
  return (await exchange(base, request, {})).response;
}

/**
 * `rawAnswer`, then whether the service closed the connection within `closeWithinMs` of its
 * answer (our side stays open and sends nothing more): the contract's "a refusal given while a
 * body is still arriving closes the connection without reading the rest of it".
 */
export async function rawAnswerThenClose(
  base: string,
  request: string | Buffer,
  closeWithinMs: number,
): Promise<{ response: Response; closed: boolean }> {
  const { response, outcome } = await exchange(base, request, { closeWithinMs });
  return { response, closed: outcome.closed === true };
}

async function exchange(
  base: string,
  request: string | Buffer,
  options: { closeWithinMs?: number },
): Promise<{ response: Response; outcome: Extract<RawOutcome, { kind: 'answer' }> }> {
  const port = Number(new URL(base).port);
  const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
  const outcome = await rawExchange(port, bytes, {
    deadlineMs: RAW_DEADLINE_MS,
    halfClose: false,
    head: false,
    ...options,
  });
  if (outcome.kind !== 'answer') throw new Error(`no answer: ${JSON.stringify(outcome)}`);
  // A 204 or 304 has no body, and a Response refuses to be built with one (even empty).
  const body = NULL_BODY_STATUSES.has(outcome.status) ? null : outcome.body;
  return {
    response: new Response(body, { status: outcome.status, headers: outcome.headers }),
    outcome,
  };
}

/** A request kept in flight by its body, with what is to follow it on its connection. */
export interface HeldRequest {
  /**
   * Sends the body's last byte and `next` right behind it on the same connection; resolves
   * with the answers that connection carried back (the held request's, then `next`'s) once
   * both are complete, or with what there was when the service closed or `timeoutMs` passed.
   */
  release(next: string, timeoutMs?: number): Promise<RawOutcome[]>;
  /** Ends the connection without sending more. */
  abandon(): void;
}

/**
 * Writes `head` and all of `body` but its last byte on a new connection, and holds it there.
 * The service has the request in flight — its connection is busy, so a draining service does
 * not close it as idle — and reads nothing behind the body until the body ends: `next`, sent by
 * `release`, is read only then (after a SIGTERM, say, on a connection opened before it). Not
 * pipelining: the service would read a request sent behind a complete one at once.
 */
export async function holdRequest(base: string, head: string, body: Buffer): Promise<HeldRequest> {
  if (body.length === 0) throw new Error('holdRequest needs a body to hold');
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  let received = Buffer.alloc(0);
  let ended = false;
  const changed = new Set<() => void>();
  const notify = () => changed.forEach((callback) => callback());
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    notify();
  });
  socket.on('close', () => {
    ended = true;
    notify();
  });
  socket.on('error', () => undefined); // the close follows; what was received is kept
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, -1)]));
  return {
    release: (next, timeoutMs = RAW_DEADLINE_MS) =>
      new Promise((resolve) => {
        const done = () => {
          const answers = parseAnswers(received);
          if (answers.length < 2 && !ended) return;
          changed.delete(done);
          clearTimeout(timer);
          socket.destroy();
          resolve(answers);
        };
        const timer = setTimeout(() => {
          ended = true;
          done();
        }, timeoutMs);
        changed.add(done);
        socket.write(Buffer.concat([body.subarray(-1), Buffer.from(next, 'latin1')]));
        done();
      }),
    abandon: () => socket.destroy(),
  };
}
