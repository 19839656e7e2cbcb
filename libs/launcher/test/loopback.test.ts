import { describe, expect, it } from '@jest/globals';
import { request, createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { close, closedUrl, holdPort, listen } from '../src/testing';

/** What a GET of `url` met: its status and body, or the code of the error it failed with. */
async function get(url: string): Promise<string> {
  try {
    const response = await fetch(url);
    return `${response.status} ${await response.text()}`;
  } catch (error) {
    return String((error as { cause?: { code?: string } }).cause?.code);
  }
}

describe('listen', () => {
  it('serves on a free port of 127.0.0.1 and resolves its base URL', async () => {
    const server = createHttpServer((req, res) => res.end(`you asked for ${req.url}`));
    const url = await listen(server);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await get(`${url}/page/1`)).toBe('200 you asked for /page/1');
      // It leaves no listener of its own behind to swallow the server's later errors.
      expect(server.listenerCount('error')).toBe(0);
    } finally {
      await close(server);
    }
  });

  it('serves a net server that hands its sockets to an HTTP server', async () => {
    // Connection: close, so the net server's close() need not wait for a keep-alive connection.
    const http = createHttpServer((_req, res) =>
      res.setHeader('connection', 'close').end('through the net server'),
    );
    const listener = createNetServer((socket) => http.emit('connection', socket));
    const url = await listen(listener);
    try {
      expect(await get(url)).toBe('200 through the net server');
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('rejects when the server cannot listen', async () => {
    const server = createHttpServer();
    await listen(server);
    try {
      await expect(listen(server)).rejects.toMatchObject({ code: 'ERR_SERVER_ALREADY_LISTEN' });
      expect(server.listenerCount('error')).toBe(0); // nor after a failed listen
    } finally {
      await close(server);
    }
  });
});

describe('close', () => {
  it('stops the server at once, cutting a request it left unanswered', async () => {
    const server = createHttpServer(() => undefined); // it never answers
    const url = await listen(server);
    const answered = new Promise<string>((resolve) => {
      const req = request(url, (res) => resolve(`answered ${res.statusCode}`));
      req.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
      req.end();
    });
    await new Promise((resolve) => server.once('request', resolve));
    await close(server); // without cutting the connection, this waits for ever
    expect(server.listening).toBe(false);
    expect(await answered).toBe('ECONNRESET');
    expect(await get(url)).toBe('ECONNREFUSED');
  }, 10_000);

  it('stops a server whose keep-alive connection is left idle', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    const url = await listen(server);
    expect(await get(url)).toBe('200 ok'); // fetch keeps its connection open
    const open = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    expect(open).toBe(1);
    await close(server);
    expect(await get(url)).toBe('ECONNREFUSED');
  }, 10_000);

  it('is no error for a server never started, or closed already', async () => {
    const server = createHttpServer();
    await expect(close(server)).resolves.toBeUndefined();
    await listen(server);
    await close(server);
    await expect(close(server)).resolves.toBeUndefined();
  });
});

describe('closedUrl', () => {
  it('is a base URL of 127.0.0.1 where a connection is refused', async () => {
    const url = await closedUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(url)).toBe('ECONNREFUSED');
  });
});

describe('holdPort', () => {
  /** Whether a listen on `port` of 127.0.0.1 succeeds now ('free') or why it fails. */
  async function tryListen(port: number): Promise<string> {
    const server = createNetServer();
    return new Promise<string>((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'no code'));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve('free')));
    });
  }

  it('holds a free port until disposed, then lets it go', async () => {
    const port = Number(new URL(await closedUrl()).port);
    expect(await tryListen(port)).toBe('free'); // the control: nothing holds it yet
    {
      await using hold = await holdPort(port);
      expect(hold.held).toBe(true);
      expect(await tryListen(port)).toBe('EADDRINUSE');
    }
    expect(await tryListen(port)).toBe('free');
  });

  it('counts a port someone else holds as taken, and leaves it to them', async () => {
    const owner = createNetServer();
    const port = Number(new URL(await listen(owner)).port);
    try {
      {
        await using hold = await holdPort(port);
        expect(hold.held).toBe(false);
      }
      // Still the owner's: disposing a hold that held nothing closed nothing of theirs.
      expect(owner.listening).toBe(true);
      expect(await tryListen(port)).toBe('EADDRINUSE');
    } finally {
      owner.close();
    }
  });

  it('rejects what is no port at all, rather than counting it as taken', async () => {
    await expect(holdPort(65_536)).rejects.toMatchObject({ code: 'ERR_SOCKET_BAD_PORT' });
  });
});
