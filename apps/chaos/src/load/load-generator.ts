import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answerOf, readAnswer } from './answer';
import { LoadStats, type Outcome } from './load-stats';

export interface LoadOptions {
  /** The service, e.g. `http://127.0.0.1:40123`. */
  base: string;
  /** The path (with query) of each request; a function to vary it. */
  path: string | (() => string);
  /** @default 'GET' */
  method?: string;
  /**
   * Closed loop: this many requests always in flight, each sent as soon as the previous one on
   * its connection ended — what a pool of clients does. Exclusive with `rate`.
   */
  connections?: number;
  /**
   * Open loop: this many arrivals per second whatever the answers take — what the Internet does
   * (an overload must not slow the arrivals down). Exclusive with `connections`.
   */
  rate?: number;
  /**
   * Open loop: arrivals beyond this many outstanding are skipped (counted in `skipped`).
   * @default DEFAULT_MAX_IN_FLIGHT
   */
  maxInFlight?: number;
  /** Stops by itself after this long; otherwise runs until `stop()`. */
  durationMs?: number;
  /**
   * A request without its whole answer this long after it was sent counts as lost
   * (`CLIENT_TIMEOUT`), and its connection is destroyed: a deadline, not an idle timeout — an
   * answer trickling a byte at a time is as stuck as a silent one.
   */
  timeoutMs: number;
  /**
   * A new connection per request (`Connection: close`): every request meets the listener —
   * what a drill about accepting connections needs. @default false
   */
  freshConnections?: boolean;
  /**
   * Open this many keep-alive connections first (one `GET path` each, all at once) and use them
   * in turn: the load then arrives over connections that exist, as through a proxy's pool. (Node
   * accepts one new connection per turn of its event loop — libuv/libuv#3696 — so a burst of
   * new connections to a busy server waits in the kernel's accept queue, and any probe behind
   * them.)
   */
  warm?: { connections: number; path: string };
}

/** Open loop: outstanding requests past which arrivals are skipped, unless set. */
export const DEFAULT_MAX_IN_FLIGHT = 1000;

interface Pending {
  socket: Socket | undefined;
}

/**
 * Takes each outcome as it happens, with `sentAt`: when its request was sent
 * (`performance.now()`), so a drill can tell requests sent before an event from those after.
 */
export type OutcomeListener = (outcome: Outcome, sentAt: number) => void;

/**
 * An HTTP load generator that accounts for every request. Not autocannon: when a server closes a
 * connection with a request outstanding (a SIGKILLed worker does, with a FIN), autocannon's
 * client reconnects and sends the next request without counting the lost one
 * (`conn.on('end', () => this._connect())` in its lib/httpClient.js), and the drills are about
 * exactly those requests. Here each request is a promise that ends in an answer or an error.
 */
export class Load {
  /** Open loop: arrivals dropped because `maxInFlight` were outstanding, in every phase. */
  skipped = 0;
  readonly done: Promise<void>;
  /** Resolves when the load itself starts (after `warm`): the time its figures count from. */
  readonly started: Promise<void>;
  #markStarted!: () => void;
  readonly #options: LoadOptions;
  readonly #agent: Agent | undefined;
  readonly #pending = new Set<Pending>();
  /** The process that last answered on each keep-alive connection (cluster: one per socket). */
  readonly #pidOf = new WeakMap<Socket, number>();
  /** Keep-alive connections on which an answer has arrived: connected, and served. */
  readonly #answered = new WeakSet<Socket>();
  readonly #listeners = new Set<OutcomeListener>();
  #stats = new LoadStats();
  #rate: number;
  #running = true;
  #stopTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  /** Set by the open loop: restarts its arrival count at a phase change. */
  #phaseStarted: (() => void) | undefined;

  constructor(options: LoadOptions) {
    if ((options.connections === undefined) === (options.rate === undefined)) {
      throw new TypeError(
        'Expected exactly one of `connections` (closed loop) and `rate` (open loop)',
      );
    }
    this.#options = options;
    this.#rate = options.rate ?? 0;
    const sockets = Math.max(
      options.connections ?? options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      options.warm?.connections ?? 0,
    );
    // fifo: every connection of the pool is used in turn, so none idles into keepAliveTimeout.
    this.#agent = options.freshConnections
      ? undefined
      : new Agent({
          keepAlive: true,
          maxSockets: sockets,
          maxFreeSockets: sockets,
          scheduling: 'fifo',
        });
    this.started = new Promise((resolve) => (this.#markStarted = resolve));
    this.done = this.#run().finally(() => {
      clearTimeout(this.#stopTimer);
      this.#agent?.destroy();
    });
  }

  /** The figures of the current phase. */
  get stats(): LoadStats {
    return this.#stats;
  }

  /** Requests sent and not yet ended. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /**
   * Open loop: from now on `rate` arrivals per second, counted in fresh stats; returns the
   * figures of the phase that ends. Each request counts in the phase that sent it, so those
   * still in flight add their outcomes to the returned figures as they end: read them whole
   * after `stop()`. (Recorded where they ended, a phase's answers could outnumber its sends.)
   */
  phase(rate: number): LoadStats {
    const ended = this.#stats;
    this.#stats = new LoadStats();
    this.#rate = rate;
    this.#phaseStarted?.();
    return ended;
  }

  /**
   * Connections the load holds open to the service, busy or idle in its keep-alive pool: each is
   * a descriptor on the service's side. An open loop opens one more whenever more requests are
   * outstanding than it has connections (a stall of the service), and keeps it — the pool is
   * used in turn, so none idles out — so the service's descriptors follow the load's peaks.
   */
  get openConnections(): number {
    let n = 0;
    if (!this.#agent) {
      for (const { socket } of this.#pending) if (socket && !socket.destroyed) n++;
      return n;
    }
    for (const pool of [this.#agent.sockets, this.#agent.freeSockets]) {
      for (const sockets of Object.values(pool)) {
        for (const socket of sockets ?? []) if (!socket.destroyed) n++;
      }
    }
    return n;
  }

  /**
   * Requests outstanding on connections the service has answered on before: requests it has
   * surely accepted. Unlike {@link inFlight}, not those still connecting — a connection being
   * refused is in flight until its refusal arrives.
   */
  get inFlightOnAnsweredConnections(): number {
    let n = 0;
    for (const { socket } of this.#pending) if (socket && this.#answered.has(socket)) n++;
    return n;
  }

  /**
   * Requests outstanding on connections that `pid` answered last, plus those on connections
   * that no process has answered yet (they may be its too): what a kill of `pid` can lose.
   */
  inFlightOn(pid: number): number {
    let n = 0;
    for (const { socket } of this.#pending) {
      const owner = socket ? this.#pidOf.get(socket) : undefined;
      if (owner === undefined || owner === pid) n++;
    }
    return n;
  }

  /** Called with every outcome as it happens (a drill's own bookkeeping). */
  onOutcome(listener: OutcomeListener): void {
    this.#listeners.add(listener);
  }

  /** Stop sending, wait for the outstanding requests to end. */
  async stop(): Promise<void> {
    this.#halt();
    await this.done;
  }

  #halt(): void {
    this.#running = false;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const { warm, durationMs, connections } = this.#options;
    if (warm) {
      await Promise.all(Array.from({ length: warm.connections }, () => this.#one(warm.path)));
      this.#stats = new LoadStats(); // the warm-up is not part of the figures
    }
    if (durationMs !== undefined) this.#stopTimer = setTimeout(() => this.#halt(), durationMs);
    this.#markStarted();
    await (connections !== undefined ? this.#closedLoop(connections) : this.#openLoop());
  }

  async #closedLoop(connections: number): Promise<void> {
    const user = async () => {
      while (this.#running) {
        const outcome = await this.#one();
        // A refused or broken connection fails at once: back off a little rather than spin.
        if (outcome.kind === 'error' && this.#running) await new Promise((r) => setTimeout(r, 10));
      }
    };
    await Promise.all(Array.from({ length: connections }, user));
  }

  async #openLoop(): Promise<void> {
    const maxInFlight = this.#options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    let started = performance.now();
    let launched = 0;
    this.#phaseStarted = () => {
      started = performance.now();
      launched = 0;
    };
    const outstanding = new Set<Promise<Outcome>>();
    while (this.#running) {
      const due = Math.floor(((performance.now() - started) / 1000) * this.#rate);
      for (; launched < due; launched++) {
        if (this.#pending.size >= maxInFlight) {
          this.skipped++;
          this.#stats.skipped++;
          continue;
        }
        const one = this.#one();
        outstanding.add(one);
        void one.finally(() => outstanding.delete(one));
      }
      // A 5 ms tick: fine enough for thousands of arrivals per second, cheap when idle.
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 5);
      });
    }
    await Promise.all(outstanding);
  }

  #nextPath(): string {
    const { path } = this.#options;
    return typeof path === 'function' ? path() : path;
  }

  /** One request; never rejects — its outcome goes to the stats (and is returned). */
  #one(path = this.#nextPath()): Promise<Outcome> {
    const options = this.#options;
    const entry: Pending = { socket: undefined };
    this.#pending.add(entry);
    const stats = this.#stats; // the phase that sends it counts its outcome
    stats.sent++;
    const started = performance.now();
    let deadline: NodeJS.Timeout | undefined;
    return new Promise<Outcome>((resolve) => {
      const req = request(`${options.base}${path}`, {
        method: options.method ?? 'GET',
        agent: this.#agent ?? false,
        ...(options.freshConnections ? { headers: { connection: 'close' } } : {}),
      });
      const fail = (code: string) =>
        resolve({ kind: 'error', code, latencyMs: performance.now() - started });
      // From the send, however the answer comes: `req.setTimeout` is an idle timeout, reset by
      // every byte, so an answer trickling in outlived it by any length.
      deadline = setTimeout(() => {
        fail('CLIENT_TIMEOUT');
        req.destroy();
      }, options.timeoutMs);
      req.on('socket', (socket) => (entry.socket = socket));
      req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
      req.on('response', (res) => {
        if (entry.socket) this.#answered.add(entry.socket);
        readAnswer(res).then(
          (body) => {
            const outcome = answerOf(res, body, performance.now() - started);
            if (outcome.pid !== undefined && entry.socket) {
              this.#pidOf.set(entry.socket, outcome.pid);
            }
            resolve(outcome);
          },
          (error: NodeJS.ErrnoException) => fail(error.code ?? error.name),
        );
      });
      req.end();
    }).then((outcome) => {
      clearTimeout(deadline);
      this.#pending.delete(entry);
      stats.record(outcome);
      for (const listener of this.#listeners) listener(outcome, started);
      return outcome;
    });
  }
}
