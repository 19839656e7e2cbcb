import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * How long a connection must have been idle before a draining server closes it. A client busy
 * on a keep-alive connection sends its next request well within this, and the answer (which
 * says `Connection: close` while draining) ends the connection cleanly; only a client that has
 * gone quiet is cut — and it may be sending at that very moment only by coincidence.
 */
export const IDLE_GRACE_MS = 100;
/** How often a draining server looks for connections idle past the grace. */
export const IDLE_SWEEP_MS = 50;

interface Tracked {
  /** Requests on this connection whose answer is not finished. */
  open: number;
  /** When the last answer finished (`performance.now()`). */
  idleSince: number;
}

/**
 * Closes a draining server's keep-alive connections without racing their clients. Node's
 * `server.closeIdleConnections()` (also run by `http.Server#close` since Node 19) cuts every
 * connection with no request *parsed* — including one whose next request is already in the
 * socket's buffer, unread because the loop was busy, or just on its way: that request is lost
 * and its client sees a reset on a connection that was working (measured: all 8 connections of
 * a cluster worker at once, on a rolling restart under load). Here a connection is closed only
 * once it has been idle for {@link IDLE_GRACE_MS} and stays idle over two more turns of the
 * loop. The grace alone is not enough: time spent by a busy loop counts towards it, and a
 * request that reached the socket while the loop ran its callbacks is read only by the next
 * poll phase. The check runs from `setImmediate`, after a poll phase, and the cut two check
 * phases later, so two poll phases have read the socket in between: the first reads what
 * arrived while the loop was busy, the second what a client sharing this loop (a test's, a
 * proxy's) sent once it read the answer. Pipelined requests already on a connection are still
 * answered.
 */
export class KeepAliveDrain {
  readonly #connections = new Map<Socket, Tracked>();
  #timer: NodeJS.Timeout | undefined;

  constructor(server: Server) {
    const connections = this.#connections;
    // Shared listener functions: nothing allocated per request but the counter update.
    function finished(this: ServerResponse): void {
      const tracked = connections.get(this.req.socket);
      if (!tracked) return;
      tracked.open--;
      tracked.idleSince = performance.now();
    }
    function gone(this: Socket): void {
      connections.delete(this);
    }
    server.on('connection', (socket: Socket) => {
      connections.set(socket, { open: 0, idleSince: performance.now() });
      socket.once('close', gone);
    });
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const tracked = connections.get(req.socket);
      if (tracked) tracked.open++;
      res.once('close', finished);
    });
  }

  /** Starts sweeping: connections idle past the grace are closed, now and every sweep. */
  start(): void {
    const sweep = () => {
      setImmediate(() => this.#closeIdle());
      this.#timer = setTimeout(sweep, IDLE_SWEEP_MS);
    };
    sweep();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #closeIdle(): void {
    const now = performance.now();
    const idle: [Socket, number][] = [];
    for (const [socket, { open, idleSince }] of this.#connections) {
      if (open === 0 && now - idleSince >= IDLE_GRACE_MS) idle.push([socket, idleSince]);
    }
    if (idle.length === 0) return;
    // An immediate queued from the check phase runs in the next loop turn's: two turns, two
    // poll phases, before the cut. A request read meanwhile moves `open` or `idleSince`.
    setImmediate(() =>
      setImmediate(() => {
        for (const [socket, idleSince] of idle) {
          const tracked = this.#connections.get(socket);
          if (tracked?.open === 0 && tracked.idleSince === idleSince) socket.destroy();
        }
      }),
    );
  }
}
