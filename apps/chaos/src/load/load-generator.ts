import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
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
  /** Open loop: arrivals beyond this many outstanding are skipped (counted). @default 1000 */
  maxInFlight?: number;
  /** Stops by itself after this long; otherwise runs until `stop()`. */
  durationMs?: number;
  /** A request without an answer after this long counts as lost (`CLIENT_TIMEOUT`). */
  timeoutMs: number;
  /**
   * A new connection per request (`Connection: close`): every request meets the listener —
   * what a drill about accepting connections (SIGTERM, rolling restarts) needs. @default false
   */
  freshConnections?: boolean;
}

interface Pending {
  socket: Socket | undefined;
}

/**
 * An HTTP load generator that accounts for every request. Not autocannon: when a server closes a
 * connection with a request outstanding (a SIGKILLed worker does, with a FIN), autocannon's
 * client reconnects and sends the next request without counting the lost one
 * (`conn.on('end', () => this._connect())` in its lib/httpClient.js), and the drills are about
 * exactly those requests. Here each request is a promise that ends in an answer or an error.
 */
export class Load {
  readonly stats = new LoadStats();
  /** Open loop: arrivals dropped because `maxInFlight` were outstanding. */
  skipped = 0;
  readonly done: Promise<void>;
  readonly #options: LoadOptions;
  readonly #agent: Agent | undefined;
  readonly #pending = new Set<Pending>();
  /** The process that last answered on each keep-alive connection (cluster: one per socket). */
  readonly #pidOf = new WeakMap<Socket, number>();
  readonly #listeners = new Set<(outcome: Outcome) => void>();
  #running = true;
  #stopTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: LoadOptions) {
    if ((options.connections === undefined) === (options.rate === undefined)) {
      throw new TypeError(
        'Expected exactly one of `connections` (closed loop) and `rate` (open loop)',
      );
    }
    this.#options = options;
    const sockets = options.connections ?? options.maxInFlight ?? 1000;
    this.#agent = options.freshConnections
      ? undefined
      : new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
    if (options.durationMs !== undefined) {
      this.#stopTimer = setTimeout(() => this.#halt(), options.durationMs);
    }
    this.done = (
      options.connections !== undefined
        ? this.#closedLoop(options.connections)
        : this.#openLoop(options.rate ?? 0)
    ).finally(() => {
      clearTimeout(this.#stopTimer);
      this.#agent?.destroy();
    });
  }

  /** Requests sent and not yet ended. */
  get inFlight(): number {
    return this.#pending.size;
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
  onOutcome(listener: (outcome: Outcome) => void): void {
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

  async #openLoop(rate: number): Promise<void> {
    const maxInFlight = this.#options.maxInFlight ?? 1000;
    const started = performance.now();
    const outstanding = new Set<Promise<Outcome>>();
    let launched = 0;
    while (this.#running) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; launched < due; launched++) {
        if (this.#pending.size >= maxInFlight) {
          this.skipped++;
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

  /** One request; never rejects — its outcome goes to the stats (and is returned). */
  #one(): Promise<Outcome> {
    const options = this.#options;
    const path = typeof options.path === 'function' ? options.path() : options.path;
    const entry: Pending = { socket: undefined };
    this.#pending.add(entry);
    this.stats.sent++;
    const started = performance.now();
    return new Promise<Outcome>((resolve) => {
      const req = request(`${options.base}${path}`, {
        method: options.method ?? 'GET',
        agent: this.#agent ?? false,
        ...(options.freshConnections ? { headers: { connection: 'close' } } : {}),
      });
      const fail = (code: string) =>
        resolve({ kind: 'error', code, latencyMs: performance.now() - started });
      req.setTimeout(options.timeoutMs, () => {
        fail('CLIENT_TIMEOUT');
        req.destroy();
      });
      req.on('socket', (socket) => (entry.socket = socket));
      req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
      req.on('response', (res) => {
        readAnswer(res).then(
          (body) => {
            const outcome = answerOf(res, body, performance.now() - started);
            if (outcome.pid !== undefined && entry.socket)
              this.#pidOf.set(entry.socket, outcome.pid);
            resolve(outcome);
          },
          (error: NodeJS.ErrnoException) => fail(error.code ?? error.name),
        );
      });
      req.end();
    }).then((outcome) => {
      this.#pending.delete(entry);
      this.stats.record(outcome);
      for (const listener of this.#listeners) listener(outcome);
      return outcome;
    });
  }
}

/** The body as text (answers here are small JSON); rejects when the connection breaks mid-way. */
function readAnswer(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 64 * 1024) body += chunk;
    });
    res.on('end', () => resolve(body));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  });
}

function answerOf(
  res: IncomingMessage,
  body: string,
  latencyMs: number,
): Outcome & { kind: 'answer' } {
  const header = (name: string) => {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  let pid = Number(header('x-pid'));
  let code: string | undefined;
  if (body.startsWith('{')) {
    try {
      const json = JSON.parse(body) as { pid?: unknown; code?: unknown };
      if (!Number.isInteger(pid) && typeof json.pid === 'number') pid = json.pid;
      if (typeof json.code === 'string') code = json.code;
    } catch {
      // not JSON after all (a body cut at 64 KiB): no pid, no code
    }
  }
  return {
    kind: 'answer',
    status: res.statusCode ?? 0,
    latencyMs,
    retryAfter: header('retry-after'),
    pid: Number.isInteger(pid) ? pid : undefined,
    code,
    body,
  };
}
