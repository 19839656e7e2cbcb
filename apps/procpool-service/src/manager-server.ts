import { RpcEndpoint, type CounterManager } from '@concurrency-lab/cluster-runtime';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANAGER_BUSY, MANAGER_GO } from './pool-task-protocol';
import { socketPort } from './socket-port';

export interface ManagerServerOptions {
  /**
   * Authenticated connections open at once (a pool process's share holds one while it runs: at
   * most WORKERS); a hello past it is answered `busy` and the connection cut. @default 256
   */
  maxConnections?: number;
  /**
   * Connections that have not sent the authkey yet, at once. One more cuts the oldest of them
   * (answered `busy` first): a pool process says hello as soon as it is connected, so it is
   * never the oldest for long, and idle connections cannot hold the manager's slots. @default 16
   */
  maxPendingHellos?: number;
  /** A connection that has not sent the authkey by then is cut. @default 500 */
  helloTimeoutMs?: number;
}

/** How many stopped shares' names the manager remembers (see `ManagerServer#cut`). */
export const MAX_CUT_TOKENS = 1024;

/** The line a refused connection gets before the manager hangs up (see MANAGER_BUSY). */
const BUSY_LINE = `${JSON.stringify(MANAGER_BUSY)}\n`;

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
  readonly #maxConnections: number;
  readonly #maxPendingHellos: number;
  readonly #sockets = new Set<Socket>();
  /** Connections waiting for their hello, oldest first, each with how to cut it. */
  readonly #pendingHellos = new Map<Socket, () => void>();
  /** Each running share's connection, by the token its hello named. */
  readonly #shares = new Map<string, Socket>();
  /**
   * The names of the last `MAX_CUT_TOKENS` shares stopped by `cut`, oldest first: a hello naming
   * one is refused. Kept past the share's task, not forgotten when it ends: a share killed once
   * its stop grace ran out may have a hello (and an add) still unread in the socket, which the
   * loop reads after the task has already settled. Names are random: an old one never comes back.
   */
  readonly #cut = new Set<string>();
  /** What each named share waits for once its hello is accepted, before it is served (`hold`). */
  readonly #holds = new Map<string, () => Promise<void>>();
  #authenticated = 0;

  constructor(manager: CounterManager, options: ManagerServerOptions = {}) {
    this.#manager = manager;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 500;
    this.#maxConnections = options.maxConnections ?? 256;
    this.#maxPendingHellos = Math.max(1, options.maxPendingHellos ?? 16);
    this.#dir = mkdtempSync(join(tmpdir(), 'lab-procpool-'));
    this.address = join(this.#dir, 'manager.sock');
    // No `server.maxConnections`: Node drops a connection past it without a word, which a share
    // took for a crash (500), and unauthenticated connections held the slots of ours. The bounds
    // are the two above, each refusal answered `busy`.
    this.#server = createServer((socket) => this.#accept(socket));
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

  /**
   * Stops the share named `token` where it stands: its connection is cut — whatever it sent and
   * the manager has not read yet is dropped, so nothing more of it lands — and a hello it has not
   * sent yet will be refused. Its pool process sees the connection close, its task fails, and
   * the process lives on (killing it would cost a replacement).
   */
  cut(token: string): void {
    this.#cut.add(token);
    if (this.#cut.size > MAX_CUT_TOKENS) {
      const [oldest] = this.#cut;
      if (oldest !== undefined) this.#cut.delete(oldest);
    }
    this.#shares.get(token)?.destroy();
  }

  /**
   * Holds the share named `token`, once its hello is accepted, until `ready()` resolves: only then
   * is it served and told `go` (MANAGER_GO). Rejected, its connection is closed. The counter's
   * shares wait so for each other (CounterManager's `ready`): a refusal of one of them, which
   * answers its request 503 and invites a retry, comes before any of them has changed the value.
   * A share with no hold is served at once. `release(token)` forgets a hold whose share ended
   * without a hello.
   */
  hold(token: string, ready: () => Promise<void>): void {
    this.#holds.set(token, ready);
  }

  /** Forgets the hold of `token`, if its hello never came (see `hold`). */
  release(token: string): void {
    this.#holds.delete(token);
  }

  /** Synchronous: it also runs as a process 'exit' listener, where nothing asynchronous does. */
  readonly #removeDir = (): void => rmSync(this.#dir, { recursive: true, force: true });

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => undefined); // a peer that vanished: 'close' follows
    socket.once('close', () => this.#sockets.delete(socket));
    if (this.#pendingHellos.size >= this.#maxPendingHellos) {
      // The oldest has had the longest to say hello: it goes, the newcomer gets its chance.
      const [oldest] = this.#pendingHellos.values();
      oldest?.();
    }
    const port = socketPort(socket);
    let rpc: RpcEndpoint | undefined;
    let counted = false;
    const settle = () => {
      this.#pendingHellos.delete(socket);
      clearTimeout(refuse);
      port.off('message', hello);
    };
    // Checked once the loop has also read what arrived by then: a loop that stalled past the
    // timeout must not cut a connection whose hello is waiting in the socket.
    const refuse = setTimeout(
      () => setImmediate(() => this.#pendingHellos.has(socket) && socket.destroy()),
      this.#helloTimeoutMs,
    );
    const hello = (message: unknown) => {
      settle();
      if (!this.#authentic(message)) {
        socket.destroy();
        return;
      }
      const token = shareToken(message);
      // Cut before it connected (its request was cancelled), or a name already in use: a
      // second connection under one name would make the first one uncuttable.
      if (token !== undefined && (this.#cut.has(token) || this.#shares.has(token))) {
        socket.destroy();
        return;
      }
      if (this.#authenticated >= this.#maxConnections) {
        this.#refuse(socket);
        return;
      }
      this.#authenticated++;
      counted = true;
      if (token !== undefined) {
        this.#shares.set(token, socket);
        socket.once('close', () => {
          if (this.#shares.get(token) === socket) this.#shares.delete(token);
        });
      }
      const serve = () => {
        rpc = new RpcEndpoint(port);
        this.#manager.serve(rpc);
        port.send(MANAGER_GO);
      };
      const ready = token === undefined ? undefined : this.#holds.get(token);
      if (token === undefined || !ready) {
        serve();
        return;
      }
      this.#holds.delete(token);
      // Given up (its request failed or was cancelled), or failed to serve: hung up.
      void ready()
        .then(() => !socket.destroyed && serve())
        .catch(() => socket.destroy());
    };
    this.#pendingHellos.set(socket, () => {
      settle();
      this.#refuse(socket);
    });
    port.on('message', hello);
    socket.once('close', () => {
      settle();
      if (counted) this.#authenticated--;
      rpc?.close();
    });
  }

  /**
   * Says `busy` and hangs up: the peer reads a refusal (503 to its request), not a crash. One
   * that never closes its end is cut after the hello timeout.
   */
  #refuse(socket: Socket): void {
    socket.end(BUSY_LINE);
    const cut = setTimeout(() => socket.destroy(), this.#helloTimeoutMs);
    socket.once('close', () => clearTimeout(cut));
  }

  #authentic(message: unknown): boolean {
    const { kind, authkey } = (message ?? {}) as { kind?: unknown; authkey?: unknown };
    if (kind !== 'hello' || typeof authkey !== 'string') return false;
    const sent = Buffer.from(authkey);
    const expected = Buffer.from(this.authkey);
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  }
}

/** The share's name in its hello (`ShareArgument.token`), if it gave a usable one. */
function shareToken(message: unknown): string | undefined {
  const { token } = (message ?? {}) as { token?: unknown };
  return typeof token === 'string' && token.length > 0 && token.length <= 64 ? token : undefined;
}
