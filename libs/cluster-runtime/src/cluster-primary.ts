import { SPAN_FLUSH_TIMEOUT_MS, type Logger } from '@concurrency-lab/service-kit';
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Counter, Registry, RegistryContentType } from 'prom-client';
import { CounterManager } from './counter-manager';
import {
  INCREMENT_TIMEOUT_MARGIN_MS,
  RPC,
  type ClusterNotice,
  type MetricsAggregateParams,
} from './counter-protocol';
import { aggregateMetrics } from './metrics-relay';
import { RespawnPolicy, type RespawnOptions } from './respawn-policy';
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
  /** Every worker is gone and the crash budget is spent: the model cannot serve. */
  onFatal(reason: string): void;
}

interface Member {
  worker: Worker;
  rpc: RpcEndpoint;
  forkedAt: number;
  state: 'starting' | 'ready' | 'stopping';
  ready: Promise<number>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

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
  #stopping = false;
  #restarting = false;
  #everReady = false;
  #port = 0;
  #started: { resolve(port: number): void; reject(error: Error): void } | undefined;

  constructor(options: ClusterPrimaryOptions) {
    this.#options = options;
    this.#policy = new RespawnPolicy(options.respawn);
    // Every ready worker does a share, on its own event loop, over its IPC channel. A cancelled
    // share settles once its worker has stopped it, so the counter's turn ends with its work.
    this.#counter = new CounterManager(() =>
      this.#readyMembers().map(
        ({ rpc }) =>
          (share, signal) =>
            rpc.call(RPC.counterShare, share, {
              // Past the request's deadline, so that a cancellation, not this timer, ends it.
              timeoutMs: options.requestTimeoutMs + INCREMENT_TIMEOUT_MARGIN_MS,
              ...(signal ? { signal, awaitCancelled: true } : {}),
            }),
      ),
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

  /** Forks every worker; resolves with the shared port once all are listening. */
  start(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#started = { resolve, reject };
      for (let i = 0; i < this.#options.workers; i++) this.#fork();
    });
  }

  /** SIGHUP: fork a replacement, wait until it listens, then drain the old worker; one at a time. */
  async rollingRestart(): Promise<boolean> {
    if (this.#restarting || this.#stopping) return false;
    this.#restarting = true;
    const { logger } = this.#options;
    logger.info({ workers: this.workerPids }, 'rolling restart started');
    try {
      for (const old of this.#readyMembers()) {
        const fresh = this.#fork();
        try {
          await withTimeout(fresh.ready, 30_000, 'replacement worker did not become ready');
        } catch (error) {
          logger.error(
            { err: error },
            'rolling restart stopped: the replacement failed; old workers keep serving',
          );
          return false;
        }
        await this.#stopMember(old);
      }
      logger.info({ workers: this.workerPids }, 'rolling restart complete');
      return true;
    } finally {
      this.#restarting = false;
    }
  }

  /** SIGTERM: no more respawns; every worker drains; true when all exited cleanly. */
  async shutdown(): Promise<boolean> {
    this.#stopping = true;
    const codes = await Promise.all([...this.#members.values()].map((m) => this.#stopMember(m)));
    return codes.every((code) => code === 0);
  }

  #readyMembers(): Member[] {
    return [...this.#members.values()].filter((m) => m.state === 'ready');
  }

  #fork(): Member {
    const { logger, registry } = this.#options;
    const worker = cluster.fork({ LAB_CLUSTER_ROLE: 'worker' });
    const rpc = new RpcEndpoint(worker);
    this.#counter.serve(rpc);
    rpc.handle(RPC.metricsAggregate, (params: MetricsAggregateParams | undefined) =>
      aggregateMetrics(
        registry,
        this.#readyMembers().map((m) => m.rpc),
        (error) => logger.warn({ err: error }, 'a worker missed the metrics scrape'),
        params?.accept,
      ),
    );
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
      exited: once(worker, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
    };
    worker.on('message', (message: ClusterNotice) => {
      if (message?.kind !== 'ready' || member.state !== 'starting') return;
      member.state = 'ready';
      this.#port = message.port;
      markReady(message.port);
      this.#onReady();
    });
    // `exited` rejects when the worker emits 'error' (events.once): not ready either way.
    member.exited.then(
      () => failReady(new Error(`worker ${worker.process.pid} exited before it was ready`)),
      (error: Error) => failReady(error),
    );
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

  async #stopMember(member: Member): Promise<number | null> {
    member.state = 'stopping';
    try {
      member.worker.send({ kind: 'shutdown' } satisfies ClusterNotice);
    } catch {
      // already gone
    }
    // Its drain (SHUTDOWN_TIMEOUT_MS), its span flush (at most SPAN_FLUSH_TIMEOUT_MS) and a
    // second for its last hand-offs and exit: only a worker that overran all of them is killed.
    const killer = setTimeout(
      () => member.worker.process.kill('SIGKILL'),
      this.#options.shutdownTimeoutMs + SPAN_FLUSH_TIMEOUT_MS + 1000,
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
    const { logger } = this.#options;
    const pid = worker.process.pid;
    if (member.state === 'stopping' || this.#stopping) {
      logger.info({ workerPid: pid, code, signal }, 'worker stopped');
      return;
    }
    const uptimeMs = Date.now() - member.forkedAt;
    const decision = this.#policy.onCrash(Date.now(), uptimeMs);
    if (decision.action === 'give-up') {
      logger.error(
        { workerPid: pid, code, signal, crashes: decision.crashes },
        'crash budget spent; not respawning',
      );
      if (this.#members.size === 0) {
        this.#started?.reject(new Error('every worker crashed and the crash budget is spent'));
        this.#options.onFatal('crash budget spent with no worker left');
      }
      return;
    }
    logger.warn(
      { workerPid: pid, code, signal, uptimeMs, delayMs: decision.delayMs },
      'worker crashed; respawning',
    );
    setTimeout(() => {
      if (this.#stopping) return;
      this.#options.restarts.inc({ kind: 'process' });
      this.#fork();
    }, decision.delayMs);
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
