import { metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { serviceFixture, testConfig, type Started } from './support/harness';

/**
 * A request whose body Node's parser refuses part-way (a chunk size that is not hex) is answered
 * at once, and its connection then lingers (up to `LINGER_MS`) unread. Its admission slot —
 * one of `MAX_QUEUE` — must be free from the answer on, not from the linger's end: else a burst
 * of such requests has good ones refused 503 while nothing works.
 */

/** A raw connection that stays open after the server's FIN, as a client still uploading does. */
interface Upload {
  socket: Socket;
  /** The status line and the rest of the first answer, once its status has arrived. */
  answer: Promise<string>;
  /** Whether the server's side of the connection is still open (the linger not over). */
  open(): boolean;
  /** Resolves when the server's side of the connection has closed. */
  closedByServer: Promise<void>;
}

/** Opens a connection to `started` and writes `bytes`; no other may open meanwhile. */
function upload({ port, service }: Started, bytes: string): Upload {
  let open = true;
  const closedByServer = new Promise<void>((resolve) =>
    service.server.once('connection', (serverSide: Socket) =>
      serverSide.once('close', () => {
        open = false;
        resolve();
      }),
    ),
  );
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined); // the linger's end may reset a client still writing
  let received = '';
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (/^HTTP\/1\.1 \d{3} /.test(received)) resolve(received);
    });
    socket.once('close', () => reject(new Error(`closed before an answer: ${received}`)));
  });
  answer.catch(() => undefined); // a connection closed unanswered: only its test may ask
  socket.once('connect', () => socket.write(bytes, 'latin1'));
  return { socket, answer, open: () => open, closedByServer };
}

const chunked = 'Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n';
/** An upload whose body is being read (`readBody`) when the refusal comes. */
const chunkedUpload =
  'POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n' + chunked;
/** A route that reads no body, its work (a long sleep) under way when the refusal comes. */
const sleepWithBody = `GET /io/sleep?ms=10000 HTTP/1.1\r\nHost: t\r\n${chunked}`;
/** A chunk size that is not hex: llhttp's HPE_INVALID_CHUNK_SIZE, answered 400 at once. */
const brokenChunk = 'zz\r\n';

const activeRequests = async (base: string) =>
  // The scrape itself is a request being served: one is the floor.
  metricSum(await (await fetch(`${base}/metrics`)).text(), 'http_server_active_requests', {}) - 1;

async function goodRequest(base: string): Promise<number> {
  const res = await fetch(`${base}/cpu/fib?n=1`);
  await res.arrayBuffer();
  return res.status;
}

/**
 * An upload whose body never ends holds the only slot (`maxQueue: 1`): a good request is refused
 * 503 until the upload is cut, which frees the slot.
 */
async function uploadHoldsTheSlot(started: Started): Promise<void> {
  const { base, service } = started;
  const holder = upload(started, chunkedUpload);
  await until(async () => service.ctx.state.inFlightWork === 1, { what: 'the upload admitted' });
  expect(await goodRequest(base)).toBe(503);
  holder.socket.destroy();
  await holder.closedByServer;
  expect(service.ctx.state.inFlightWork).toBe(0);
}

describe('a request whose body is refused part-way', () => {
  const services = serviceFixture();
  const start = (): Promise<Started> => services.start({ config: { maxQueue: 1 } });

  it.each([
    ['an upload being read', chunkedUpload],
    ['a route that reads no body, its work under way', sleepWithBody],
  ])('(%s) frees its slot with its answer, while its connection lingers', async (_, head) => {
    const started = await start();
    const { base, service } = started;
    const request = new Promise<IncomingMessage>((resolve) =>
      service.server.once('request', resolve),
    );
    const refused = upload(started, head + brokenChunk);
    const answer = await refused.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"ERR_INVALID_BODY"');
    // The client keeps sending: the connection lingers, unread, and holds nothing of the app.
    refused.socket.write('more bytes the service will not read');
    expect(await goodRequest(base)).toBe(200);
    expect(service.ctx.state.inFlightWork).toBe(0);
    expect(await activeRequests(base)).toBe(0);
    // Nothing reads its body any more (raw-body, for the upload, let go of what it read).
    expect((await request).listenerCount('data')).toBe(0);
    // What this test is about: the answers above came while the refused connection lingered.
    expect(refused.open()).toBe(true);
    // And the linger still ends it, whatever the client sends.
    await refused.closedByServer;
  });

  it('(a body too slow: 408) frees its slot with its answer, while its connection lingers', async () => {
    const http = {
      ...testConfig().http,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      connectionsCheckIntervalMs: 100,
    };
    const started = await services.start({ config: { maxQueue: 1, http } });
    const { base, service } = started;
    const slow = upload(started, chunkedUpload); // and no more: the body never ends
    await until(async () => service.ctx.state.inFlightWork === 1, { what: 'the upload admitted' });
    expect(await slow.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await goodRequest(base)).toBe(200);
    expect(service.ctx.state.inFlightWork).toBe(0);
    expect(slow.open()).toBe(true);
    await slow.closedByServer;
    expect(service.ctx.state.inFlightWork).toBe(0);
  });

  it('negative control: a body still arriving, not refused, holds the only slot → 503', async () => {
    const started = await start();
    await uploadHoldsTheSlot(started);
    expect(await goodRequest(started.base)).toBe(200);
  });

  it('releases its slot once: after the linger ends, the bound still holds at MAX_QUEUE', async () => {
    const started = await start();
    const { base, service } = started;
    const refused = upload(started, sleepWithBody + brokenChunk);
    expect(await refused.answer).toMatch(/^HTTP\/1\.1 400 /);
    refused.socket.end(); // the client read its answer and closes
    // The linger's end: where Node closes a response it still holds (a second release, if any).
    await refused.closedByServer;
    expect(service.ctx.state.inFlightWork).toBe(0);
    expect(await activeRequests(base)).toBe(0);
    // Released twice, the count would be -1, and two requests would pass a bound of one.
    await uploadHoldsTheSlot(started);
    expect(await activeRequests(base)).toBe(0);
  });
});
