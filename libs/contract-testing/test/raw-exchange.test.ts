import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rawExchange } from '../src/fuzz/index';
import { rawAnswer } from '../src/raw-answer';

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
    for (const socket of running?.sockets ?? []) socket.destroy();
    await new Promise((resolve) => running?.server.close(resolve));
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
});
