import { type Logger } from '@concurrency-lab/service-kit';
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import type { Counter, Registry, RegistryContentType } from 'prom-client';
import { CounterManager } from './counter-manager';
import {
  ADDRESS_REFUSALS,
  CONFIG_REFUSED_EXIT_CODE,
  INCREMENT_TIMEOUT_MARGIN_MS,
  RPC,
  workerStopBoundMs,
  type ClusterNotice,
  type MetricsAggregateParams,
} from './counter-protocol';
import { MetricsRelay, type MetricsJson } from './metrics-relay';
import { RespawnPolicy, type RespawnDecision, type RespawnOptions } from './respawn-policy';
import { RpcEndpoint } from './rpc-endpoint';

export interface ClusterPrimaryOptions {
  /** Worker processes to keep running. */
  workers: number;
  /** The worker entry file (built JS). */
  entry: string;
  logger: Logger;
  /** The primary's own registry (its RSS counts toward the model's). */
  registry: Registry<RegistryContentType>;
  /** `lab_worker_restarts_total`, incremented with `kind="process"` per respawn. */
  restarts: Counter<'kind'>;
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
  respawn?: Partial<RespawnOptions>;
  /**
   * How long a rolling restart waits for a replacement to listen; past it, the replacement is
   * stopped and the restart fails. @default 30000
   */
  replacementTimeoutMs?: number;
  /** Every worker is gone and the crash budget is spent: the model cannot serve. */
  onFatal(reason: string): void;
  /**
   * Where the workers listen (the service's `HOST` and `PORT`). With port 0, `start()` picks the
   * port once, before the first fork, and every worker is forked with it: see `start()`.
   * Without it the workers read `PORT` from the environment as it is.
   */
  listen?: { host: string; port: number };
}

/**
 * `start()` failed because a worker refused its configuration (it exited with the kit's
 * configuration exit code before it was ready: a bad variable, an unusable `LAB_WORKLOAD`
 * module, named on its stderr). Every worker would: the model does not start, and nothing is
 * respawned.
 */
export class WorkerRefusedConfigError extends Error {
  override readonly name = 'WorkerRefusedConfigError';
  /** The worker's exit code, for the primary to exit with. */
  readonly exitCode: number;
  constructor(pid: number | undefined, exitCode: number) {
    super(
      `worker ${pid} refused its configuration (exit ${exitCode}) before it was ready: see its error on stderr`,
    );
    this.exitCode = exitCode;
  }
}

/**
 * `start()` failed because the address cannot be listened on (`HOST` not this machine's, a
 * privileged or taken port), found by the primary itself for `PORT=0` before any fork. The
 * same refusal as a worker's for a configured port (its `ADDRESS_REFUSALS` exit): the model
 * exits with the configuration code, whichever way the port was given.
 */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  /** The configuration exit code, for the primary to exit with. */
  readonly exitCode = CONFIG_REFUSED_EXIT_CODE;
  constructor(host: string, cause: Error & { code: string }) {
    super(`cannot listen on ${host} (${cause.code}): ${cause.message}`, { cause });
  }
}

interface Member {
  worker: Worker;
  rpc: RpcEndpoint;
  forkedAt: number;
  state: 'starting' | 'ready' | 'stopping';
  /** It said it is leaving (drained): it takes no more counter shares. */
  leaving?: boolean;
  /**
   * It said it was ready once. One stopped while still starting (a replacement that timed out,
   * a shutdown during start) serves nothing and counted nothing: no counter share, no scrape.
   */
  wasReady?: boolean;
  ready: Promise<number>;
  /** Resolves on 'exit' (only: a failed send's 'error' event is not an exit). */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Set once asked to stop: a second ask waits for the same exit. */
  stopped?: Promise<number | null>;
}

/**
 * The step of a rolling restart under way: `fresh` starting, to take `old`'s place (or an empty
 * slot's). A fresh one that ends before it is ready is not respawned; an old one that crashes
 * meanwhile is replaced by it, and its `crash` acted on only if the fresh one fails.
 */
interface RestartStep {
  /** None when the restart fills a slot left empty (a worker the crash budget gave up on). */
  old?: Member;
  fresh: Member;
  crash?: Crash;
}

/** A worker's crash: how it ended, how long it had lived, what the respawn policy decided. */
interface Crash {
  code: number | null;
  signal: NodeJS.Signals | null;
  uptimeMs: number;
  decision: RespawnDecision;
}

/** How long a rolling restart waits for a replacement to listen, unless configured. */
const REPLACEMENT_TIMEOUT_MS = 30_000;

/**
 * The `node:cluster` primary: forks the workers that share the port, keeps them alive (respawn
 * with backoff and a crash budget), replaces them one by one on a rolling restart, drains them
 * on shutdown, and holds what must be one per model — the counter and the metrics aggregation.
 */
export class ClusterPrimary {
  readonly #options: ClusterPrimaryOptions;
  readonly #members = new Map<number, Member>();
  readonly #policy: RespawnPolicy;
  readonly #counter: CounterManager;
  readonly #metrics: MetricsRelay;
  #stopping = false;
  /** Crashed workers waiting out their backoff: forked soon, so their slots are not empty. */
  #pendingRespawns = 0;
  /**
   * Their timers, cleared by shutdown: one left armed held the process up to the backoff's
   * longest (10 s) after shutdown() had resolved, to fork nothing.
   */
  readonly #respawnTimers = new Set<NodeJS.Timeout>();
  /** Set while slots are empty because the crash budget gave up: refills them once it recovers. */
  #refillTimer: NodeJS.Timeout | undefined;
  /** The rolling restart under way: shutdown waits for it to end. */
  #rolling: Promise<boolean> | undefined;
  #step: RestartStep | undefined;
  #everReady = false;
  #port = 0;
  /** What every worker is forked with beyond its role: the port `start()` picked for port 0. */
  #workerEnv: NodeJS.ProcessEnv = {};
  #started: { resolve(port: number): void; reject(error: Error): void } | undefined;

  constructor(options: ClusterPrimaryOptions) {
    this.#options = options;
    this.#policy = new RespawnPolicy(options.respawn);
    // Every live worker does a share, on its own event loop, over its IPC channel. A cancelled
    // share settles once its worker has stopped it, so the counter's turn ends with its work.
    this.#counter = new CounterManager(() =>
      this.#sharingMembers().map(
        ({ rpc }) =>
          (share, signal) =>
            rpc.call(RPC.counterShare, share, {
              // Past the request's deadline, so that a cancellation, not this timer, ends it.
              timeoutMs: options.requestTimeoutMs + INCREMENT_TIMEOUT_MARGIN_MS,
              ...(signal ? { signal, awaitCancelled: true } : {}),
            }),
      ),
    );
    this.#metrics = new MetricsRelay(options.registry, (error) =>
      options.logger.warn({ err: error }, 'a worker missed the metrics scrape'),
    );
    cluster.setupPrimary({ exec: options.entry });
    cluster.on('exit', (worker, code, signal) =>
      this.#onExit(worker, code, signal as NodeJS.Signals | null),
    );
  }

  get port(): number {
    return this.#port;
  }

  /** The pids of live workers (for logs, tests and `kill`). */
  get workerPids(): number[] {
    return [...this.#members.values()].map((m) => m.worker.process.pid ?? -1);
  }

  /**
   * Forks every worker; resolves with the shared port once all are listening. Rejects, forking
   * nothing, once shutdown has begun (a SIGTERM while the primary still loaded its workload):
   * shutdown stopped the members it had, and would not stop these. Rejects as well when shutdown
   * begins, or a worker is given up on (crash budget spent), before all were ready once: all of
   * them can then never be ready, and a start that never settles leaves the model serving with
   * the rest, its `listening` line never logged.
   */
  async start(): Promise<number> {
    const refused = () => new Error('shutting down: no worker is forked');
    if (this.#stopping) throw refused();
    const { listen } = this.#options;
    // Port 0 is one port, chosen once. Left to the workers, it was chosen again whenever they
    // were all gone at once (WORKERS=1 and a crash, or a fault in every worker): node:cluster
    // closes the shared listening socket with its last worker (round_robin_handle.js
    // `remove()`), and the respawn's listen on port 0 bound a new one — the model then served
    // on a port nobody knew, refusing connections on the one it had announced. Nor can a
    // respawn be forked with the announced port while workers of port 0 live: node:cluster
    // keys the shared socket by the port asked for, so it would bind that port a second time
    // (EADDRINUSE). Another process may take the port between this probe and the workers'
    // listen: the start then fails as with a configured port in use.
    if (listen?.port === 0) {
      this.#workerEnv = { PORT: String(await freePort(listen.host)) };
      if (this.#stopping) throw refused();
    }
    return new Promise<number>((resolve, reject) => {
      this.#started = { resolve, reject };
      for (let i = 0; i < this.#options.workers; i++) this.#fork();
    });
  }

  /**
   * SIGHUP: fork a replacement, wait until it listens, then drain the old worker; one at a time.
   * An old worker that is gone by its turn (it crashed: its respawn, forked from the new build,
   * takes its place) is skipped. Then it forks a worker for every slot left empty (a worker the
   * crash budget gave up on), one at a time too: the model is back to `workers`. True once every
   * old worker is replaced and no slot is empty. False if another restart is under way, if
   * shutdown starts (nothing more is forked; shutdown stops the rest), or if a new worker exits
   * or is not ready within `replacementTimeoutMs`: that one is stopped, not respawned, and the
   * old workers not yet replaced keep serving.
   */
  async rollingRestart(): Promise<boolean> {
    if (this.#rolling || this.#stopping) return false;
    const rolling = this.#roll();
    this.#rolling = rolling;
    try {
      return await rolling;
    } finally {
      this.#rolling = undefined;
    }
  }

  async #roll(): Promise<boolean> {
    const { logger } = this.#options;
    logger.info({ workers: this.workerPids }, 'rolling restart started');
    for (const old of this.#readyMembers()) {
      if (this.#stopping) return this.#rollStopped();
      if (this.#members.get(old.worker.id) !== old || old.state !== 'ready') {
        logger.info(
          { workerPid: old.worker.process.pid },
          'rolling restart: worker already gone, skipped',
        );
        continue;
      }
      if (!(await this.#bringUp(old))) return this.#stopping ? this.#rollStopped() : false;
      // Nothing is sent to an old worker that crashed meanwhile: its replacement took its place.
      await this.#stopMember(old);
    }
    // The slots left empty: a restart is the operator asking for `workers` from the new build.
    while (this.#missing() > 0) {
      if (this.#stopping) return this.#rollStopped();
      this.#options.restarts.inc({ kind: 'process' });
      if (!(await this.#bringUp(undefined))) return this.#stopping ? this.#rollStopped() : false;
    }
    if (this.#stopping) return this.#rollStopped();
    logger.info({ workers: this.workerPids }, 'rolling restart complete');
    return true;
  }

  /**
   * Forks a worker for the rolling restart — to take `old`'s place, or an empty slot's — and
   * waits until it listens. False if it does not within `replacementTimeoutMs` (it is stopped,
   * and an `old` that crashed meanwhile is acted on as a crash after all) or shutdown begins.
   */
  async #bringUp(old: Member | undefined): Promise<boolean> {
    const { logger } = this.#options;
    const timeoutMs = this.#options.replacementTimeoutMs ?? REPLACEMENT_TIMEOUT_MS;
    const fresh = this.#fork();
    const step: RestartStep = { fresh, ...(old ? { old } : {}) };
    this.#step = step;
    try {
      await withTimeout(fresh.ready, timeoutMs, 'replacement worker did not become ready');
    } catch (error) {
      this.#step = undefined;
      // Shutdown stopped the replacement, and stops the rest.
      if (this.#stopping) return false;
      logger.error(
        { err: error, workerPid: fresh.worker.process.pid },
        'rolling restart failed: the replacement did not become ready; the old workers keep serving',
      );
      // One that timed out is still there: it must not join the pool when it does say ready.
      await this.#stopMember(fresh);
      // The old worker crashed while its replacement started: its place is empty after all.
      if (old && step.crash && !this.#stopping) this.#afterCrash(old, step.crash);
      return false;
    }
    this.#step = undefined;
    return !this.#stopping;
  }

  #rollStopped(): false {
    this.#options.logger.info(
      { workers: this.workerPids },
      'rolling restart stopped: shutting down',
    );
    return false;
  }

  /**
   * SIGTERM: no more respawns, nor forks by a rolling restart; every worker drains; true when
   * all exited cleanly. Resolves once every worker has exited and a rolling restart under way
   * has ended.
   */
  async shutdown(): Promise<boolean> {
    this.#stopping = true;
    clearTimeout(this.#refillTimer);
    for (const timer of this.#respawnTimers) clearTimeout(timer);
    this.#pendingRespawns -= this.#respawnTimers.size;
    this.#respawnTimers.clear();
    if (!this.#everReady)
      this.#started?.reject(new Error('shut down before every worker was ready'));
    const codes = await Promise.all([...this.#members.values()].map((m) => this.#stopMember(m)));
    // It forks nothing once stopping is set, and what it waits on has just been stopped.
    await this.#rolling?.catch(() => false);
    return codes.every((code) => code === 0);
  }

  #readyMembers(): Member[] {
    return [...this.#members.values()].filter((m) => m.state === 'ready');
  }

  /**
   * The workers that take counter shares: the ready ones, and those draining until they say
   * they are leaving. Ready ones alone, a shutdown (every member stopping at once) left a
   * counter request still in flight — or waiting its turn — with nobody to do it: 500
   * `ERR_WORKER_CRASHED` on a clean stop. Never one stopped before it was ever ready: a
   * replacement that timed out, still loading, took a share of every increment (held by the
   * model's one counter lock) until its kill timer, ~14 s, and each failed 500.
   */
  #sharingMembers(): Member[] {
    return [...this.#members.values()].filter(
      (m) => m.wasReady === true && !m.leaving && m.worker.isConnected(),
    );
  }

  #fork(): Member {
    const { logger } = this.#options;
    const worker = cluster.fork({ ...this.#workerEnv, LAB_CLUSTER_ROLE: 'worker' });
    const rpc = new RpcEndpoint(worker);
    this.#counter.serve(rpc);
    this.#metrics.add(worker.id);
    // Asked: the ready workers and the draining ones (still counting, until they exit and are
    // retired). One never ready — starting, or stopped while starting — has counted nothing.
    rpc.handle(RPC.metricsAggregate, (params: MetricsAggregateParams | undefined) =>
      this.#metrics.collect(
        [...this.#members.values()]
          .filter((m) => m.wasReady === true && m.worker.isConnected())
          .map((m) => ({ id: m.worker.id, rpc: m.rpc })),
        params?.accept,
      ),
    );
    // Its last word, drained and about to exit: what it counted since its last scrape stays in
    // the model's /metrics. Its exit then retires nothing more.
    rpc.handle(RPC.metricsFinal, (final: MetricsJson) => {
      if (!this.#metrics.retireFinal(worker.id, final))
        logger.warn(
          { workerPid: worker.process.pid },
          'final metrics not taken: the worker counts with its last scrape',
        );
    });
    let markReady!: (port: number) => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<number>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    const member: Member = {
      worker,
      rpc,
      forkedAt: Date.now(),
      state: 'starting',
      ready,
      exited: new Promise((resolve) =>
        worker.once('exit', (code: number | null, signal: NodeJS.Signals | null) =>
          resolve([code, signal]),
        ),
      ),
    };
    worker.on('message', (message: ClusterNotice) => {
      if (message?.kind === 'leaving') member.leaving = true;
      if (message?.kind !== 'ready' || member.state !== 'starting') return;
      member.state = 'ready';
      member.wasReady = true;
      this.#port = message.port;
      markReady(message.port);
      this.#onReady();
    });
    void member.exited.then(() =>
      failReady(new Error(`worker ${worker.process.pid} exited before it was ready`)),
    );
    // A send that failed (its channel closed: the worker is going), reported as an event. Left
    // unhandled, it would kill the primary and every worker with it. Not ready either way.
    worker.on('error', (error: Error) => {
      logger.warn({ err: error, workerPid: worker.process.pid }, 'worker channel error');
      failReady(error);
    });
    this.#members.set(worker.id, member);
    logger.info(
      { workerPid: worker.process.pid, workerId: worker.id, at: member.forkedAt },
      'forked',
    );
    return member;
  }

  #onReady(): void {
    if (this.#everReady || this.#readyMembers().length < this.#options.workers) return;
    this.#everReady = true;
    this.#started?.resolve(this.#port);
  }

  /** Asks `member` to drain and resolves with its exit code; once per member. */
  #stopMember(member: Member): Promise<number | null> {
    member.stopped ??= this.#stop(member);
    return member.stopped;
  }

  async #stop(member: Member): Promise<number | null> {
    const { worker } = member;
    member.state = 'stopping';
    // Exited (its 'exit' may still be on the way): nothing to ask, its exit is the answer.
    if (worker.isDead()) return (await member.exited)[0];
    // A closed channel (the worker is going) gets nothing; one that closes before the message
    // goes reports it to the callback, not as an 'error' event.
    if (worker.isConnected())
      worker.send({ kind: 'shutdown' } satisfies ClusterNotice, () => undefined);
    // Only a worker that overran every budget of its stop (workerStopBoundMs) is killed.
    const killer = setTimeout(
      () => worker.process.kill('SIGKILL'),
      workerStopBoundMs(this.#options.shutdownTimeoutMs),
    );
    const [code] = await member.exited;
    clearTimeout(killer);
    return code;
  }

  #onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const member = this.#members.get(worker.id);
    if (!member) return;
    this.#members.delete(worker.id);
    member.rpc.close();
    // Gone for good, whatever the reason: what it counted stays in the model's /metrics (up to
    // its last scrape, unless it handed over its final metrics: then this is a no-op).
    this.#metrics.retire(worker.id);
    const { logger } = this.#options;
    const pid = worker.process.pid;
    if (member.state === 'stopping' || this.#stopping) {
      logger.info({ workerPid: pid, code, signal }, 'worker stopped');
      return;
    }
    if (member.state === 'starting' && !this.#everReady && code === CONFIG_REFUSED_EXIT_CODE) {
      // The configuration every worker is given (LAB_WORKLOAD is loaded by the workers only):
      // respawned, it would be refused again, for ever. The start fails; the caller stops.
      logger.error({ workerPid: pid, code }, 'worker refused its configuration; not respawning');
      this.#started?.reject(new WorkerRefusedConfigError(pid, code));
      return;
    }
    const step = this.#step;
    if (step?.fresh === member && member.state === 'starting') {
      // A new build that does not start is the rolling restart's failure (it reports it), not a
      // crash of the pool: the worker it was to replace still serves.
      logger.warn(
        { workerPid: pid, code, signal },
        'replacement worker exited before it was ready',
      );
      return;
    }
    const uptimeMs = Date.now() - member.forkedAt;
    const crash = { code, signal, uptimeMs, decision: this.#policy.onCrash(Date.now(), uptimeMs) };
    if (step?.old === member) {
      // Its replacement is starting: it takes this one's place (the rolling restart acts on
      // this crash if it fails).
      step.crash = crash;
      logger.warn(
        {
          workerPid: pid,
          code,
          signal,
          uptimeMs,
          replacementPid: step.fresh.worker.process.pid,
        },
        'worker crashed; its replacement takes its place',
      );
      return;
    }
    this.#afterCrash(member, crash);
  }

  /** Respawns a crashed worker after the policy's delay, or gives up (fatal once none is left). */
  #afterCrash(member: Member, { code, signal, uptimeMs, decision }: Crash): void {
    const { logger } = this.#options;
    const pid = member.worker.process.pid;
    if (decision.action === 'give-up') {
      logger.error(
        { workerPid: pid, code, signal, crashes: decision.crashes },
        'crash budget spent; not respawning',
      );
      if (this.#members.size === 0 && this.#pendingRespawns === 0) {
        clearTimeout(this.#refillTimer);
        this.#started?.reject(new Error('every worker crashed and the crash budget is spent'));
        this.#options.onFatal('crash budget spent with no worker left');
      } else if (!this.#everReady) {
        // Others live, but `workers` can never be ready now (this one is not replaced): the
        // start fails rather than wait for ever.
        this.#started?.reject(
          new Error(
            `the crash budget is spent before all ${this.#options.workers} workers were ready`,
          ),
        );
      } else {
        // Others serve: the empty slot is filled once the budget has recovered.
        this.#scheduleRefill();
      }
      return;
    }
    logger.warn(
      { workerPid: pid, code, signal, uptimeMs, delayMs: decision.delayMs },
      'worker crashed; respawning',
    );
    this.#pendingRespawns++;
    const timer = setTimeout(() => {
      this.#respawnTimers.delete(timer);
      this.#pendingRespawns--;
      if (this.#stopping) return;
      this.#options.restarts.inc({ kind: 'process' });
      this.#fork();
    }, decision.delayMs);
    this.#respawnTimers.add(timer);
  }

  /**
   * The slots that nothing fills: `workers` less the members that serve or start (not those
   * draining) and the respawns waiting out their backoff.
   */
  #missing(): number {
    const filled = [...this.#members.values()].filter((m) => m.state !== 'stopping').length;
    return Math.max(0, this.#options.workers - filled - this.#pendingRespawns);
  }

  /**
   * After the crash budget gave up on a worker: come back when the policy says it has recovered
   * (enough crashes have left its window) and fork the slots still empty. Never with a budget of
   * 0 (no respawn, ever). One timer, moved later by each further give-up.
   */
  #scheduleRefill(): void {
    if (this.#stopping) return;
    const now = Date.now();
    const at = this.#policy.recoveredAt(now);
    if (!Number.isFinite(at)) return;
    clearTimeout(this.#refillTimer);
    this.#options.logger.info(
      { missing: this.#missing(), inMs: at - now },
      'empty worker slots are refilled once the crash budget recovers',
    );
    this.#refillTimer = setTimeout(() => this.#refill(), at - now);
  }

  #refill(): void {
    this.#refillTimer = undefined;
    if (this.#stopping) return;
    // A give-up since (that moved the timer) or a rolling restart under way (which fills the
    // empty slots itself; after it, look again).
    if (this.#policy.recoveredAt(Date.now()) > Date.now()) return this.#scheduleRefill();
    if (this.#rolling) {
      const again = () => this.#refill();
      void this.#rolling.then(again, again);
      return;
    }
    const missing = this.#missing();
    if (missing === 0) return;
    this.#options.logger.info({ missing }, 'crash budget recovered; respawning');
    for (let i = 0; i < missing; i++) {
      this.#options.restarts.inc({ kind: 'process' });
      this.#fork();
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A port free on `host` now: the kernel's pick for port 0, released at once. An address every
 * worker would be refused (see ADDRESS_REFUSALS) rejects with an AddressRefusedError.
 */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: Error & { code?: unknown }) => {
      const { code } = error;
      reject(
        typeof code === 'string' && ADDRESS_REFUSALS.has(code)
          ? new AddressRefusedError(host, Object.assign(error, { code }))
          : error,
      );
    });
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
