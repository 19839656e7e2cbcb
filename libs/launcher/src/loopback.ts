import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';

// Test-only, exported by `@concurrency-lab/launcher/testing`: a test's own server on loopback
// (a stand-in service, an upstream, a /metrics target) and a URL where nothing answers.

/**
 * Starts `server` (HTTP, or a net server that hands its sockets to one) on a free port of
 * 127.0.0.1; resolves its base URL (`http://127.0.0.1:54321`, no trailing slash), or rejects
 * with the error of a listen that failed.
 */
export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  // Rejects on 'error'; removes its listeners either way, so none is left to swallow the
  // server's later errors (a listen that throws at once rejects before this is added).
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Stops `server` and waits until it has: the connections it holds are cut, the keep-alive ones
 * fetch leaves idle and any request left unanswered, so a test's teardown never waits for them
 * to time out. A server that is not listening (never started, or closed already) is no error.
 */
export async function close(server: HttpServer): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

/**
 * A base URL nothing listens at (`http://127.0.0.1:<port>`): a port the kernel just gave out,
 * released again, so a connection to it is refused.
 */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  server.close();
  await once(server, 'close');
  return url;
}

/** A port {@link holdPort} holds, let go when disposed. */
export interface HeldPort extends AsyncDisposable {
  /** true: this test holds it; false: someone else did already (taken either way). */
  readonly held: boolean;
}

/**
 * Takes `port` on 127.0.0.1 so that what a test starts cannot bind it, and the error that start
 * fails with names the port it tried: how a test sees a default port without serving on it
 * (upstream's 3100, Prometheus's 9090, which a developer's own stack may hold). A port held by
 * someone else already is taken just the same, so that is no error; any other failure is.
 * `await using port = await holdPort(n)` lets it go when the test ends.
 */
export async function holdPort(port: number): Promise<HeldPort> {
  const holder = createNetServer();
  const held = await new Promise<boolean>((resolve, reject) => {
    holder.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    holder.listen(port, '127.0.0.1', () => resolve(true));
  });
  return {
    held,
    async [Symbol.asyncDispose]() {
      if (!held) return;
      holder.close();
      await once(holder, 'close');
    },
  };
}
