import { RpcEndpoint, type CounterManager } from '@concurrency-lab/cluster-runtime';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketPort } from './socket-port';

export interface ManagerServerOptions {
  /** Connections open at once; one more is refused. @default 256 */
  maxConnections?: number;
  /** A connection that has not sent the authkey by then is cut. @default 2000 */
  helloTimeoutMs?: number;
}

/**
 * The counter's manager, served to the pool's processes — what Python's
 * `multiprocessing.Manager()` is: a server holding the value, reached by proxies in other
 * processes over a socket, with an `authkey` so that only our processes talk to it. Here the
 * server runs in the HTTP process itself (the contract keeps the counter there), on a Unix
 * socket in a fresh 0700 directory; each accepted connection gets an `RpcEndpoint` serving the
 * manager's get/set/add/reset. The pool's IPC pipes cannot carry it: the executor owns them.
 */
export class ManagerServer {
  /** The socket's path, for the pool tasks. */
  readonly address: string;
  /** A fresh random key per server; a connection must send it first. */
  readonly authkey = randomBytes(32).toString('hex');
  readonly #server: Server;
  readonly #dir: string;
  readonly #manager: CounterManager;
  readonly #helloTimeoutMs: number;
  readonly #sockets = new Set<Socket>();

  constructor(manager: CounterManager, options: ManagerServerOptions = {}) {
    this.#manager = manager;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 2000;
    this.#dir = mkdtempSync(join(tmpdir(), 'lab-procpool-'));
    this.address = join(this.#dir, 'manager.sock');
    this.#server = createServer((socket) => this.#accept(socket));
    this.#server.maxConnections = options.maxConnections ?? 256;
  }

  /**
   * Listens; resolves once pool processes can connect. From then on the socket's directory is
   * removed when the process exits, also without `close()` — a fatal error's `process.exit`
   * would otherwise leave it in tmpdir. (Nothing runs on SIGKILL: that one stays.)
   */
  async listen(): Promise<void> {
    this.#server.listen(this.address);
    try {
      await once(this.#server, 'listening');
    } catch (error) {
      this.#removeDir();
      throw error;
    }
    process.once('exit', this.#removeDir);
  }

  /** Stops listening, cuts every connection, removes the socket's directory. */
  async close(): Promise<void> {
    process.off('exit', this.#removeDir);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    this.#removeDir();
  }

  /** Synchronous: it also runs as a process 'exit' listener, where nothing asynchronous does. */
  readonly #removeDir = (): void => rmSync(this.#dir, { recursive: true, force: true });

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => undefined); // a peer that vanished: 'close' follows
    const port = socketPort(socket);
    let rpc: RpcEndpoint | undefined;
    const refuse = setTimeout(() => socket.destroy(), this.#helloTimeoutMs);
    const hello = (message: unknown) => {
      port.off('message', hello);
      clearTimeout(refuse);
      if (!this.#authentic(message)) {
        socket.destroy();
        return;
      }
      rpc = new RpcEndpoint(port);
      this.#manager.serve(rpc);
    };
    port.on('message', hello);
    socket.once('close', () => {
      clearTimeout(refuse);
      rpc?.close();
      this.#sockets.delete(socket);
    });
  }

  #authentic(message: unknown): boolean {
    const { kind, authkey } = (message ?? {}) as { kind?: unknown; authkey?: unknown };
    if (kind !== 'hello' || typeof authkey !== 'string') return false;
    const sent = Buffer.from(authkey);
    const expected = Buffer.from(this.authkey);
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  }
}
