import type { ExitStatus } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive } from '@concurrency-lab/procfs';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RespawnOptions } from '../../src/respawn-policy';

/** What the fixture primary is built with (the rest is fixed there: see fixtures/primary.js). */
export interface FixtureOptions {
  workers: number;
  respawn?: Partial<RespawnOptions>;
  replacementTimeoutMs?: number;
  /** The drain's bound (the fixture's default: 1000); a stop past workerStopBoundMs is killed. */
  shutdownTimeoutMs?: number;
  /** The requests' deadline (the fixture's default: 1000): a counter share's is past it. */
  requestTimeoutMs?: number;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  fields: Record<string, unknown>;
}

/** How a process ended: the launcher's own shape. */
export type Exit = ExitStatus;

type Event =
  | { event: 'forked'; pid: number; at: number }
  | {
      event: 'exit';
      pid: number;
      code: number | null;
      signal: NodeJS.Signals | null;
      at: number;
    }
  | { event: 'draining'; pid: number }
  | { event: 'increment' | 'scrape'; pid: number; ok: boolean; error?: string }
  | ({ event: 'log' } & LogLine)
  | { event: 'fatal'; reason: string };
type Reply = { id: number; value?: unknown; error?: string };

/**
 * A ClusterPrimary in a process of its own (fixtures/primary.js, this lib's dist/) forking real
 * worker processes (fixtures/worker.js), and what it reported: every pid it forked, in order,
 * how each worker exited, what it logged. The primary runs outside jest so that a primary that
 * dies is a failed test, not a dead jest worker.
 */
export class PrimaryProcess {
  /** Every worker pid, in the order forked. */
  readonly forked: number[] = [];
  readonly exits = new Map<number, Exit>();
  /** When the primary saw each worker forked, and exit (its clock, Date.now()), by pid. */
  readonly forkedAt = new Map<number, number>();
  readonly exitedAt = new Map<number, number>();
  readonly draining: number[] = [];
  /** The answers to the counter increments workers were told to ask for (`increment`). */
  readonly increments: { pid: number; ok: boolean; error?: string }[] = [];
  /** The answers to the model-wide metrics calls workers were told to make (`scrape`). */
  readonly scrapes: { pid: number; ok: boolean; error?: string }[] = [];
  readonly logs: LogLine[] = [];
  /** The reasons of every `onFatal` it reported. */
  readonly fatal: string[] = [];
  /** How the primary process itself ended. */
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #exit: Exit | undefined;
  /** What the primary process (or a worker, sharing its stderr) printed there. */
  stderr = '';

  constructor(options: FixtureOptions) {
    this.#child = fork(join(__dirname, '..', 'fixtures', 'primary.js'), [JSON.stringify(options)], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      execArgv: [],
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.#child.on('message', (message: Event | Reply) => {
      if ('id' in message) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.value);
        return;
      }
      if (message.event === 'forked') {
        this.forked.push(message.pid);
        this.forkedAt.set(message.pid, message.at);
      }
      if (message.event === 'exit') {
        this.exits.set(message.pid, { code: message.code, signal: message.signal });
        this.exitedAt.set(message.pid, message.at);
      }
      if (message.event === 'draining') this.draining.push(message.pid);
      if (message.event === 'increment') {
        const { pid, ok, error } = message;
        this.increments.push(error === undefined ? { pid, ok } : { pid, ok, error });
      }
      if (message.event === 'scrape') {
        const { pid, ok, error } = message;
        this.scrapes.push(error === undefined ? { pid, ok } : { pid, ok, error });
      }
      if (message.event === 'fatal') this.fatal.push(message.reason);
      if (message.event === 'log') {
        const { level, msg, fields } = message;
        this.logs.push({ level, msg, fields });
      }
    });
    this.exited = new Promise<Exit>((resolve) =>
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        for (const pending of this.#pending.values())
          pending.reject(
            new Error(
              `the primary exited (code ${code}, signal ${signal}); stderr:\n${this.stderr}`,
            ),
          );
        this.#pending.clear();
        resolve(this.#exit);
      }),
    );
  }

  /** Runs `cmd` in the primary process (see fixtures/primary.js); rejects if it dies first. */
  call<T = void>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.#exit) return Promise.reject(new Error('the primary has exited'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, cmd, ...args });
    });
  }

  start(): Promise<number> {
    return this.call<number>('start');
  }
  rollingRestart(): Promise<boolean> {
    return this.call<boolean>('restart');
  }
  shutdown(): Promise<boolean> {
    return this.call<boolean>('shutdown');
  }
  state(): Promise<{ pids: number[]; restarts: number }> {
    return this.call('state');
  }
  /** The workers forked from now on boot this way (fixtures/worker.js). */
  workerMode(mode: 'ok' | 'fail' | 'hang' | 'hold'): Promise<void> {
    return this.call('env', { name: 'FIXTURE_WORKER', value: mode });
  }
  /**
   * The workers forked from now on drain this way: `report` waits to be told to exit, `leave`
   * says it is leaving and exits a second later (fixtures/worker.js).
   */
  drainMode(mode: 'report' | 'leave' | 'exit'): Promise<void> {
    return this.call('env', { name: 'FIXTURE_DRAIN', value: mode === 'exit' ? '' : mode });
  }
  /** Has the worker `pid` ask the primary for a counter increment; resolves with the answer. */
  async increment(pid: number): Promise<{ pid: number; ok: boolean; error?: string }> {
    const before = this.increments.length;
    await this.tell(pid, { kind: 'increment' });
    await until(() => this.increments.length > before, { what: `worker ${pid}'s increment` });
    return this.increments[before] as { pid: number; ok: boolean; error?: string };
  }
  /** Has the worker `pid` ask the primary for the model-wide metrics; resolves with the answer. */
  async scrape(pid: number): Promise<{ pid: number; ok: boolean; error?: string }> {
    const before = this.scrapes.length;
    await this.tell(pid, { kind: 'scrape' });
    await until(() => this.scrapes.length > before, { what: `worker ${pid}'s scrape` });
    return this.scrapes[before] as { pid: number; ok: boolean; error?: string };
  }
  tell(pid: number, message: { kind: string; code?: number }): Promise<void> {
    return this.call('tell', { pid, message });
  }
  /** The forked workers still running (a zombie is not running). */
  alive(): number[] {
    return this.forked.filter(isAlive);
  }
  untilForked(count: number): Promise<void> {
    return until(() => this.forked.length >= count, { what: `${count} workers forked` });
  }
  untilExited(pid: number): Promise<void> {
    return until(() => this.exits.has(pid), { what: `worker ${pid} to exit` });
  }
  untilLogged(msg: string): Promise<void> {
    return until(() => this.logs.some((l) => l.msg === msg), { what: `the log line "${msg}"` });
  }

  /**
   * Ends the primary (asked, or SIGKILLed if it does not go) and waits until no process it
   * forked is left; kills and names any that is, so nothing outlives the test.
   */
  async end(): Promise<Exit> {
    if (!this.#exit) await this.call('exit').catch(() => undefined);
    await until(() => this.#exit !== undefined, {
      what: 'the primary to exit',
      timeoutMs: 5000,
    }).catch(() => this.#child.kill('SIGKILL'));
    const exit = await this.exited;
    try {
      // A worker whose primary is gone sees its channel close and leaves.
      await until(() => this.alive().length === 0, {
        what: 'every worker to be gone',
        timeoutMs: 5000,
      });
    } catch (error) {
      for (const pid of this.alive()) process.kill(pid, 'SIGKILL');
      throw error;
    }
    return exit;
  }
}
