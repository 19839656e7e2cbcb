import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketPort } from '../src/socket-port';

/** A real Unix socket pair: the server's side of one connection, and the client's. */
async function socketPair(): Promise<{ server: Socket; client: Socket; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'socket-port-'));
  const path = join(dir, 's.sock');
  const listener: Server = createServer();
  listener.listen(path);
  await once(listener, 'listening');
  const client = connect(path);
  const [server] = (await once(listener, 'connection')) as [Socket];
  await once(client, 'connect');
  return {
    server,
    client,
    close: async () => {
      client.destroy();
      server.destroy();
      await new Promise((resolve) => listener.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const received = (port: ReturnType<typeof socketPort>, count: number) =>
  new Promise<unknown[]>((resolve) => {
    const messages: unknown[] = [];
    port.on('message', (message) => {
      messages.push(message);
      if (messages.length === count) resolve(messages);
    });
  });

/**
 * What a port over the server's side delivers of `written` — sent by the client in one chunk —
 * until that side closes: cut by the port, or by `onMessage`, which sees it after each message.
 */
async function deliveredUntilClosed(
  written: string,
  options: { maxLineBytes?: number; onMessage?: (server: Socket) => void } = {},
) {
  const pair = await socketPair();
  try {
    const port = socketPort(pair.server, options.maxLineBytes);
    const messages: unknown[] = [];
    port.on('message', (message) => {
      messages.push(message);
      options.onMessage?.(pair.server);
    });
    const closed = once(pair.server, 'close');
    pair.client.write(written);
    await closed;
    return { messages, port, destroyed: pair.server.destroyed };
  } finally {
    await pair.close();
  }
}

describe('a socket as a message port (one JSON message per line)', () => {
  it('carries messages both ways, in order, however the bytes are split', async () => {
    const pair = await socketPair();
    try {
      const serverPort = socketPort(pair.server);
      const clientPort = socketPort(pair.client);
      const atServer = received(serverPort, 3);
      // One message in two writes, two messages in one write.
      pair.client.write('{"id":1,"text":"new');
      pair.client.write('\\nline"}\n{"id":2}\n{"id":3}\n');
      expect(await atServer).toEqual([{ id: 1, text: 'new\nline' }, { id: 2 }, { id: 3 }]);
      const atClient = received(clientPort, 1);
      expect(serverPort.send({ ok: true, value: 42 })).toBe(true);
      expect(await atClient).toEqual([{ ok: true, value: 42 }]);
    } finally {
      await pair.close();
    }
  });

  it('cuts a peer whose line grows past the bound, buffering nothing more', async () => {
    const { messages, port, destroyed } = await deliveredUntilClosed(
      `{"big":"${'x'.repeat(4096)}`,
      { maxLineBytes: 1024 },
    );
    expect(destroyed).toBe(true);
    expect(messages).toEqual([]);
    expect(port.send({ late: true })).toBe(false);
  });

  // The manager destroys a connection from its hello listener (a wrong authkey, a cut name):
  // what the peer sent after that hello, in the same chunk, must not reach anyone.
  it('delivers nothing more once a listener destroyed the socket (control: the line before it)', async () => {
    const { messages } = await deliveredUntilClosed('{"id":1}\n{"id":2}\n{"id":3}\n', {
      onMessage: (server) => server.destroy(),
    });
    expect(messages).toEqual([{ id: 1 }]);
  });

  it('cuts a peer that sends something other than JSON (negative control: JSON before it arrived)', async () => {
    const { messages } = await deliveredUntilClosed(
      '{"fine":true}\nGET / HTTP/1.1\n{"after":true}\n',
    );
    expect(messages).toEqual([{ fine: true }]);
  });
});
