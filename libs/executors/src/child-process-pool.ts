import { fork, type ChildProcess } from 'node:child_process';
import { serialize } from 'node:v8';
import {
  BrokenExecutorError,
  DataCloneError,
  InvalidArgumentError,
  WorkerCrashedError,
  WorkersTerminatedError,
} from './errors';
import {
  rebuildError,
  WORKER_MESSAGE,
  workerMessage,
  type SetupMessage,
  type TaskRequest,
  type TaskResponse,
} from './task-protocol';
import { PROCESS_ENTRY } from './worker-entries';
import type {
  ChildProcessPoolSettings,
  RunOptions,
  TerminateSignal,
  WorkerPool,
} from './worker-pool';

/** How long a child may take to exit after its IPC channel closes before it is killed. */
const EXIT_GRACE_MS = 2_000;

interface Job {
  readonly request: TaskRequest;
  readonly signal: AbortSignal;
  readonly resolve: (response: TaskResponse) => void;
  readonly reject: (error: unknown) => void;
  readonly onAbort: () => void;
  worker?: ChildWorker;
}

/** Ready children in a row that die early, of their own, before the pool is broken (#onExit). */
export const EARLY_DEATHS_TO_BREAK = 3;

/**
 * How soon after it said it was up a child that dies idle, on its own, died early (see #onExit).
 * What the rule is for ends a child within its first turns after its initializer: a timer of a
 * few ms to a few hundred (the tests' is 100 ms), an error thrown from a callback it scheduled;
 * 1 s holds that with room for a loaded machine to read the child's `up` and `exit` late. A child
 * that lived longer came up and could serve: its death is no sign that children cannot come up,
 * and forking again after one costs at most one boot per second per child, not a loop.
 */
export const EARLY_DEATH_WINDOW_MS = 1_000;

/**
 * Once the pool has started, replacements in a row that die before they are up (an operator's
 * or the OOM killer's SIGKILL mid-boot, a fork that fails) before the pool is broken; each of
 * the ones before is forked again after a pause (see #onExit).
 */
export const BOOT_DEATHS_TO_BREAK = 3;

/** The pause before forking again a replacement that died before it was up; it doubles in a row. */
export const BOOT_RETRY_DELAY_MS = 100;

interface ChildWorker {
  readonly child: ChildProcess;
  /** The child said it is up: it listens, and its initializer (if any) has finished. */
  ready: boolean;
  /** When it said so (`performance.now()`): how long it lived up, at its exit (see #onExit). */
  upAt: number;
  /**
   * Killed (to interrupt its task), retired, or exited: it takes no more work; what it says is
   * dropped.
   */
  doomed: boolean;
  /** Tasks it answered (a value or an error), against `maxTasksPerChild`. */
  answered: number;
  /** One of the pool's first `workers` forks: the pool is starting until each has come up. */
  first: boolean;
  job?: Job;
  /** Set once it was asked to exit (retired, or the pool destroyed): resolves at its exit. */
  dismissal?: Promise<void>;
}

/** Makes a child and its IPC channel keep this process's event loop alive, or not. */
function hold(child: ChildProcess, held: boolean): void {
  if (held) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/** Pools not destroyed yet: their children are SIGKILLed if this process exits first. */
const livePools = new Set<ChildProcessPool>();

/**
 * This process is exiting with children alive (a fatal error, or a pool never shut down):
 * SIGKILL them. They ignore SIGINT, SIGTERM and SIGHUP (see worker/process-entry.ts) and end
 * when their channel closes, but one stuck in synchronous code never reads that, and would run on
 * alone for as long as its task does. (A parent killed outright runs no handler: such a child is
 * ended by its own watchdog thread, procfs's `watchParent`.) One `exit` listener for all
 * pools, there while any is: a listener per pool warned past ten pools.
 */
function killLivePoolsChildren(): void {
  for (const pool of livePools) pool.killChildren();
}

/**
 * Child processes, one task at a time each, over Node's IPC channel with `serialization:
 * 'advanced'` (v8's structured clone: typed arrays, Map, Set, Date, BigInt survive; functions
 * and SharedArrayBuffers do not; every byte is copied through a pipe, both ways).
 *
 * Why not tinypool's `child_process` runtime (measured in the bench, read in its source):
 * its parent relays every message through an in-process MessagePort before the IPC send (one
 * more copy each way: 16 MiB round trip ~370 ms vs ~195 ms on a bare fork here, and ~2.5x the
 * per-task cost); a crash surfaces as an uncoded "Worker exited unexpectedly" without the exit
 * code; a transfer list detaches the caller's buffer though the bytes are copied anyway; and it
 * ships as ESM only, which this repository's jest (CommonJS, no vm modules) cannot load.
 *
 *   run() ─▶ idle worker? ─yes─▶ child.send(request) ─▶ 'message' ─▶ resolve, worker idle again
 *              │ no (a replacement is booting)            'exit' mid-task ─▶ reject (crash or
 *              ▼                                            abort reason), fork a replacement
 *            waiting (at most `workers` jobs: the executor caps what is in flight)
 *
 * A child is ready once it says `up`, after its initializer. One that says `init-failed`, or
 * exits before it is up while the pool is starting (before each of its first `workers` children
 * could have said `up`), breaks the pool (Python's `BrokenProcessPool`): nothing is forked any
 * more, every job waiting for a child fails with `BrokenExecutorError`, and `onBroken` tells
 * the executor. Forking again instead would loop for as long as the initializer kills children.
 * Later, a replacement that dies before it is up is forked again after a pause that doubles
 * (BOOT_RETRY_DELAY_MS), and only BOOT_DEATHS_TO_BREAK in a row break the pool: one SIGKILL of
 * a booting replacement must not end a pool whose other children are healthy.
 */
export class ChildProcessPool implements WorkerPool {
  readonly #settings: ChildProcessPoolSettings;
  readonly #all = new Set<ChildWorker>();
  /** Retired after `maxTasksPerChild` tasks, not exited yet: no longer in `#all`. */
  readonly #retiring = new Set<ChildWorker>();
  readonly #idle: ChildWorker[] = [];
  readonly #waiting: Job[] = [];
  /** The executor is shutting down: no task comes beyond those it has queued. */
  #draining = false;
  #closing = false;
  /** Why the pool is broken (a child's initializer failed, or a child died before it was up). */
  #brokenBy: Error | undefined;
  /** Ready children in a row that died on their own, idle, soon after they came up (#onExit). */
  #earlyDeaths = 0;
  /**
   * First children (`ChildWorker.first`) that came up: the pool has started once all
   * `workers` have (`onStarted`; see #onExit). Not every `up`: a replacement for a child retired
   * after `maxTasksPerChild` could come up while a first child still boots.
   */
  #firstUps = 0;
  /** Children forked so far: the first `workers` are the pool's first children. */
  #forks = 0;
  /** Whether the children hold the event loop now (see #holdLoop). */
  #holding = false;
  /** Children in a row that died before they were up, once the pool had started. */
  #bootDeaths = 0;
  /** Forks put off after a child died booting (see #onExit): each stands for a child to come. */
  readonly #refork = new Set<NodeJS.Timeout>();

  constructor(settings: ChildProcessPoolSettings) {
    if (settings.setup) {
      try {
        serialize(settings.setup.initargs); // what the IPC channel will do to it
      } catch (error) {
        throw new InvalidArgumentError(
          `Expected \`initargs\` to be copyable to a child process: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    this.#settings = settings;
    livePools.add(this);
    if (livePools.size === 1) process.on('exit', killLivePoolsChildren);
    this.#topUp();
  }

  /** SIGKILLs every child still alive (see killLivePoolsChildren). */
  killChildren(): void {
    for (const { child } of [...this.#all, ...this.#retiring]) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  get workers(): number {
    return this.#all.size;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  run(request: TaskRequest, { signal }: RunOptions): Promise<TaskResponse> {
    // A transfer list means nothing across processes: the bytes are serialized either way, and
    // leaving the caller's buffer attached is the useful half of that.
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.#brokenBy) {
        reject(new BrokenExecutorError(undefined, { cause: this.#brokenBy }));
        return;
      }
      if (this.#closing) {
        // Nothing would ever run it: no worker is forked or freed once the pool is closing.
        reject(new WorkersTerminatedError());
        return;
      }
      const job: Job = { request, signal, resolve, reject, onAbort: () => this.#abort(job) };
      signal.addEventListener('abort', job.onAbort, { once: true });
      this.#topUp();
      const worker = this.#idle.pop();
      if (worker) this.#assign(worker, job);
      else this.#waiting.push(job);
      this.#holdLoop();
    });
  }

  terminate(signal: TerminateSignal): void {
    this.#closing = true;
    this.#cancelReforks();
    for (const job of this.#waiting.splice(0)) this.#fail(job, new WorkersTerminatedError());
    for (const worker of this.#all) {
      const job = worker.job;
      if (job) {
        // Settled now, not at its exit: a child that handles SIGTERM may never exit, and the
        // executor destroys the pool (disconnect, then SIGKILL after a grace) only once
        // nothing runs.
        worker.doomed = true;
        worker.job = undefined;
        this.#fail(job, new WorkersTerminatedError());
      }
      worker.child.kill(signal);
    }
    for (const { child } of this.#retiring) child.kill(signal);
  }

  drain(): void {
    this.#draining = true;
  }

  async destroy(): Promise<void> {
    this.#closing = true;
    this.#cancelReforks();
    // Retiring children were dismissed already: this waits for them as well.
    await Promise.all([...this.#all, ...this.#retiring].map((worker) => this.#dismiss(worker)));
    livePools.delete(this);
    if (livePools.size === 0) process.off('exit', killLivePoolsChildren);
  }

  /**
   * Forks children up to the pool's size (at start, when a drained pool needs one, and when a
   * put-off fork is due); a fork put off still counts, so a task does not cut its pause short.
   */
  #topUp(): void {
    while (
      !this.#closing &&
      !this.#brokenBy &&
      this.#all.size + this.#refork.size < this.#settings.workers
    ) {
      this.#spawn();
    }
  }

  /**
   * The children keep this process's event loop alive only while a task runs on one or waits
   * for one, as a ThreadPoolExecutor's threads do: a script that never shuts its pool down
   * still ends once its work is done (Python joins the pool at exit), where idle children held
   * it forever. The `exit` hook then SIGKILLs them (killLivePoolsChildren). Called wherever a
   * task starts, ends or waits; a new child takes the pool's state as it is forked.
   */
  #holdLoop(): void {
    let busy = this.#waiting.length > 0;
    for (const worker of this.#all) busy ||= worker.job !== undefined;
    if (busy === this.#holding) return; // as it was: no call into the handles per task
    this.#holding = busy;
    for (const { child } of this.#all) hold(child, busy);
  }

  #cancelReforks(): void {
    for (const timer of this.#refork) clearTimeout(timer);
    this.#refork.clear();
  }

  #spawn(): ChildWorker {
    const { filename, setup, execArgv } = this.#settings;
    const child = fork(PROCESS_ENTRY, setup ? [filename, 'setup'] : [filename], {
      serialization: 'advanced',
      ...(execArgv ? { execArgv: [...execArgv] } : {}),
    });
    const first = this.#forks++ < this.#settings.workers;
    const worker: ChildWorker = { child, ready: false, upAt: 0, doomed: false, answered: 0, first };
    this.#all.add(worker);
    child.on('message', (message: unknown) => this.#onMessage(worker, message));
    child.on('exit', (code, signal) => this.#onExit(worker, code, signal));
    // Spawn or IPC failures; 'exit' follows when the child ran, so only a child that never
    // started needs handling here.
    child.on('error', () => {
      if (child.pid === undefined) this.#onExit(worker, null, null);
    });
    // Ahead of every task on the channel (checked serializable in the constructor). A fork that
    // failed at once (EMFILE) has no channel: its 'error' above ends it.
    if (this.#settings.setup && child.connected) {
      child.send({ s: this.#settings.setup } satisfies SetupMessage);
    }
    hold(child, this.#holding);
    return worker;
  }

  /**
   * Only the entry's own messages count: what a task sends itself (`process.send`) lacks the
   * protocol's key and is dropped, never taken for the answer.
   */
  #onMessage(worker: ChildWorker, raw: unknown): void {
    this.#answered(worker, raw);
    this.#holdLoop();
  }

  #answered(worker: ChildWorker, raw: unknown): void {
    const message = workerMessage(raw);
    if (worker.doomed || !message) return;
    const kind = message[WORKER_MESSAGE];
    if (!worker.ready) {
      if (kind === 'up') {
        worker.ready = true;
        worker.upAt = performance.now();
        // Counted once per first child: one that comes up, dies and is replaced is not waited
        // for again (its replacement is no first child).
        if (worker.first && ++this.#firstUps === this.#settings.workers) {
          this.#settings.onStarted();
        }
        this.#bootDeaths = 0; // a child came up: the next one's boot is worth trying again
        this.#free(worker);
      } else if (kind === 'init-failed' && 'e' in message) {
        this.#break(rebuildError(message.e));
      }
      return;
    }
    const job = worker.job;
    if (kind !== 'answer' || !('r' in message) || !job) return;
    worker.job = undefined;
    job.signal.removeEventListener('abort', job.onAbort);
    job.resolve(message.r);
    this.#earlyDeaths = 0; // a child that answers: the pool's children can live
    if (++worker.answered >= this.#settings.maxTasksPerChild && !this.#closing) {
      this.#retire(worker);
      return;
    }
    this.#free(worker);
  }

  /**
   * Python's `BrokenProcessPool`: a child could not come up. Nothing is forked from now on;
   * what waits for a child fails, and the executor is told (it fails its queue and shuts down;
   * tasks running on other children end as they end).
   */
  #break(cause: Error): void {
    if (this.#brokenBy || this.#closing) return;
    this.#brokenBy = cause;
    this.#cancelReforks();
    for (const job of this.#waiting.splice(0)) {
      this.#fail(job, new BrokenExecutorError(undefined, { cause }));
    }
    this.#settings.onBroken(cause);
  }

  /**
   * Python's max_tasks_per_child: the child has answered its last task and is dismissed. Its
   * replacement forks now, so a task finds it warm — unless the executor is shutting down: then
   * the next queued task (if any) forks it in `run()`, and after the last one nothing is
   * forked only to be destroyed.
   */
  #retire(worker: ChildWorker): void {
    worker.doomed = true; // anything it still says is dropped
    this.#all.delete(worker);
    this.#retiring.add(worker);
    // Never rejects; destroy() awaits the same dismissal if the pool closes first.
    void this.#dismiss(worker).then(() => this.#retiring.delete(worker));
    if (!this.#draining) this.#spawn();
    this.#settings.onRetired();
  }

  /**
   * Asks a child to exit — its entry exits when the IPC channel closes — and kills it if it is
   * still there after the grace (one stuck in synchronous code never sees the close). Once per
   * child: a retiring child met again by `destroy()` is awaited, not dismissed twice.
   */
  #dismiss(worker: ChildWorker): Promise<void> {
    worker.dismissal ??= new Promise<void>((resolve) => {
      const { child } = worker;
      // No pid: the fork failed (EMFILE, EAGAIN) and no 'exit' will ever come.
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      if (child.connected) child.disconnect();
    });
    return worker.dismissal;
  }

  #free(worker: ChildWorker): void {
    const job = this.#waiting.shift();
    if (job) this.#assign(worker, job);
    else this.#idle.push(worker);
  }

  #assign(worker: ChildWorker, job: Job): void {
    try {
      worker.child.send(job.request);
    } catch (error) {
      // v8.serialize refused the argument, synchronously; the child never saw it.
      this.#fail(job, new DataCloneError((error as Error).message, { cause: error }));
      this.#free(worker);
      return;
    }
    worker.job = job;
    job.worker = worker;
  }

  #fail(job: Job, error: unknown): void {
    job.signal.removeEventListener('abort', job.onAbort);
    job.reject(error);
  }

  #abort(job: Job): void {
    this.#aborted(job);
    this.#holdLoop();
  }

  #aborted(job: Job): void {
    const worker = job.worker;
    if (worker) {
      // No cooperative way to stop JavaScript in another process: end it. The job settles now;
      // its worker is replaced when it has exited.
      worker.doomed = true;
      worker.job = undefined;
      job.reject(job.signal.reason);
      worker.child.kill('SIGKILL');
      return;
    }
    const index = this.#waiting.indexOf(job);
    if (index !== -1) this.#waiting.splice(index, 1);
    job.reject(job.signal.reason);
  }

  #onExit(worker: ChildWorker, code: number | null, signal: NodeJS.Signals | null): void {
    this.#exited(worker, code, signal);
    this.#holdLoop();
  }

  #exited(worker: ChildWorker, code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.#all.delete(worker)) return;
    const killed = worker.doomed; // by an abort: not a death of its own
    // IPC messages can still be read after 'exit': one freeing this child would hand tasks to a
    // dead process, so what it says from now on is dropped, as a killed or retired child's is.
    worker.doomed = true;
    const index = this.#idle.indexOf(worker);
    if (index !== -1) this.#idle.splice(index, 1);
    const job = worker.job;
    worker.job = undefined;
    if (job) {
      this.#fail(
        job,
        job.signal.aborted
          ? job.signal.reason
          : new WorkerCrashedError({ kind: 'process', exitCode: code, signal }),
      );
    }
    if (this.#closing || this.#brokenBy) return;
    if (!worker.ready) {
      // It died before it was up: in its initializer, or it never started. While the pool is
      // starting that is the initializer's doing (or the machine's) and forking again would loop
      // for as long as it goes on: the pool breaks. Once every first child could have come up,
      // a replacement's boot is a short window an operator's or the OOM killer's SIGKILL can
      // hit (the worker-kill drill kills fresh children): it is forked again after a pause, and
      // only BOOT_DEATHS_TO_BREAK in a row, with no child coming up between, break the pool.
      const starting = this.#firstUps < this.#settings.workers;
      if (starting || ++this.#bootDeaths >= BOOT_DEATHS_TO_BREAK) {
        this.#break(
          new WorkerCrashedError({ kind: 'process', exitCode: code, signal, starting: true }),
        );
        return;
      }
      // Not counted as replaced again: the child it stands for was, when it was first forked.
      const timer = setTimeout(
        () => {
          this.#refork.delete(timer);
          this.#topUp();
        },
        BOOT_RETRY_DELAY_MS * 2 ** (this.#bootDeaths - 1),
      );
      this.#refork.add(timer);
      return;
    }
    // A ready child that died on its own, idle, right after it came up, again and again (a timer
    // its initializer left, a crash at boot): forking again would loop as fast as children boot.
    // It takes EARLY_DEATHS_TO_BREAK such deaths in a row, with no child answering a task or
    // living past EARLY_DEATH_WINDOW_MS in between. A SIGKILL is never the child's own doing
    // (the pool's own kills are `killed`): an operator or the OOM killer ended a child that
    // came up, which proves nothing about its replacements; and a child that lived past the
    // window came up and could serve. Counting either broke a healthy pool after three kills
    // of idle children, minutes apart.
    const livedUp = performance.now() - worker.upAt >= EARLY_DEATH_WINDOW_MS;
    if (livedUp) this.#earlyDeaths = 0;
    const diedEarly = !killed && !job && worker.answered === 0 && !livedUp && signal !== 'SIGKILL';
    if (diedEarly && ++this.#earlyDeaths >= EARLY_DEATHS_TO_BREAK) {
      this.#break(
        new WorkerCrashedError({ kind: 'process', exitCode: code, signal, starting: true }),
      );
      return;
    }
    this.#spawn();
    this.#settings.onReplaced();
  }
}
