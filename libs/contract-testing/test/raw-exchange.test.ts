import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseAnswers, rawExchange } from '../src/fuzz/index';
import { holdRequest, rawAnswer, rawAnswerThenClose } from '../src/raw-answer';

/** A TCP server that answers every connection with `reply` (raw bytes), then acts per `then`. */
async function rawServer(
  reply: string,
  then: 'close' | 'hold',
): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.once('data', () => {
      if (reply) socket.write(reply);
      if (then === 'close') socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

const GET = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
const options = { deadlineMs: 2000, halfClose: false, head: false };

describe('rawExchange', () => {
  let running: Awaited<ReturnType<typeof rawServer>> | undefined;
  afterEach(async () => {
    if (!running) return;
    const { server, sockets } = running;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    running = undefined;
  });

  it('reads a Content-Length answer without waiting for the close', async () => {
    running = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok', 'hold');
    expect(await rawExchange(running.port, GET, options)).toEqual({
      kind: 'answer',
      status: 200,
      headers: { 'content-length': '2', 'x-a': 'b' },
      body: 'ok',
    });
  });

  it.each([
    [
      'skips 100 Continue and decodes a chunked body',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      'hold',
      'abcde',
    ],
    [
      'reads to the close when the answer has no length',
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nbye',
      'close',
      'bye',
    ],
  ] as const)('%s', async (_title, reply, then, body) => {
    running = await rawServer(reply, then);
    expect(await rawExchange(running.port, GET, options)).toMatchObject({
      kind: 'answer',
      status: 400,
      body,
    });
  });

  it('rawAnswer gives a 304 as a Response with no body (a Response refuses even an empty one)', async () => {
    running = await rawServer('HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n', 'close');
    const response = await rawAnswer(`http://127.0.0.1:${running.port}`, GET);
    expect([response.status, await response.text()]).toEqual([304, '']);
  });

  it('reports a close without an answer', async () => {
    running = await rawServer('', 'close');
    expect(await rawExchange(running.port, GET, options)).toMatchObject({ kind: 'closed' });
  });

  it('reports a hang once the deadline passes, with what was received', async () => {
    running = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'hold');
    const outcome = await rawExchange(running.port, GET, { ...options, deadlineMs: 200 });
    expect(outcome).toMatchObject({ kind: 'timeout', received: expect.stringContaining('200 OK') });
  });

  it('ignores the body of an answer to HEAD', async () => {
    running = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'hold');
    expect(await rawExchange(running.port, GET, { ...options, head: true })).toMatchObject({
      kind: 'answer',
      status: 200,
      body: '',
    });
  });

  it('says whether the server closed after its answer, when asked to wait for it', async () => {
    const reply = 'HTTP/1.1 413 Too Large\r\nContent-Length: 2\r\n\r\nno';
    running = await rawServer(reply, 'close');
    const base = `http://127.0.0.1:${running.port}`;
    const closing = await rawAnswerThenClose(base, GET, 1000);
    expect([closing.response.status, closing.closed]).toEqual([413, true]);
    const first = running;
    await new Promise((resolve) => first.server.close(resolve));
    running = await rawServer(reply, 'hold');
    const held = await rawAnswerThenClose(`http://127.0.0.1:${running.port}`, GET, 200);
    expect([held.response.status, held.closed]).toEqual([413, false]);
  });

  it('parses answers sent one behind the other, by length and chunked', () => {
    const data = Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' +
        'HTTP/1.1 503 No\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nincomplete',
    );
    expect(parseAnswers(data).map((a) => a.kind === 'answer' && [a.status, a.body])).toEqual([
      [200, 'ok'],
      [503, 'no'],
      [200, 'incomplete'.slice(0, 9)],
    ]);
    expect(parseAnswers(data.subarray(0, data.length - 2))).toHaveLength(2);
  });
});

describe('holdRequest', () => {
  it('keeps what follows unread until the body ends, then reads both in order', async () => {
    // A real HTTP server: the second request must not be read while the body is incomplete.
    const { createServer: createHttpServer } = await import('node:http');
    const seen: string[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.end(req.url));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const held = await holdRequest(
        base,
        'POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n',
        Buffer.from('abc'),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['/first']);
      const answers = await held.release('GET /second HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(answers.map((a) => a.kind === 'answer' && a.body)).toEqual(['/first', '/second']);
      expect(seen).toEqual(['/first', '/second']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
