import { fork, type ChildProcess } from 'node:child_process';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { entryPath } from './entry-path';
import { StepTimeoutError, WorkerFailedError } from './errors';

/** How a peer ended. */
export interface PeerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A bound for every wait on a peer, so a demo that goes wrong stops instead of hanging. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A worker thread or a child process a demo talks to by messages. Messages queue from the
 * start (a peer may post twice before anyone listens); `next` takes them in order. `close`
 * ends the peer and waits for its exit, and `await using` guarantees it: no demo leaves a
 * thread or a process behind, whatever fails.
 */
export class Peer implements AsyncDisposable {
  readonly #target: Worker | ChildProcess;
  readonly #messages: unknown[] = [];
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #alive = true;
  /** The thread id of a worker thread, the pid of a process. */
  readonly id: number;
  readonly exited: Promise<PeerExit>;

  /** A worker thread running `dist/workers/<entry>.js`. */
  static thread(entry: string, workerData?: unknown, transferList?: TransferListItem[]): Peer {
    return new Peer(new Worker(entryPath(entry), { workerData, transferList }));
  }

  /** A child process running `dist/workers/<entry>.js` with an IPC channel (v8 serialization). */
  static process(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Peer {
    const child = fork(entryPath(entry), args, {
      serialization: 'advanced',
      env: { ...process.env, ...env },
      // Whatever a child prints goes to our stderr: stdout carries the demo's output (and JSON).
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    return new Peer(child);
  }

  private constructor(target: Worker | ChildProcess) {
    this.#target = target;
    this.id = target instanceof Worker ? target.threadId : (target.pid ?? -1);
    target.on('message', (message: unknown) => {
      this.#messages.push(message);
      this.#wake?.();
    });
    target.on('error', (error: Error) => {
      this.#failure ??= new WorkerFailedError(`${this.describe()} failed: ${error.message}`, {
        cause: error,
      });
      this.#wake?.();
    });
    this.exited = new Promise<PeerExit>((resolve) => {
      // A process's handle and channel are released by 'close', which follows 'exit'.
      const ended = target instanceof Worker ? 'exit' : 'close';
      target.once(ended, (code: number | null, signal?: NodeJS.Signals | null) => {
        this.#alive = false;
        this.#failure ??= new WorkerFailedError(
          `${this.describe()} exited (code ${code}, signal ${signal ?? null}) before it reported`,
        );
        this.#wake?.();
        // Node releases a process's handle in the loop's close phase, after this event: a
        // zero timer fires after that phase, so "exited" also means "nothing left open".
        const status = { code, signal: signal ?? null };
        if (target instanceof Worker) resolve(status);
        else setTimeout(() => resolve(status), 0);
      });
    });
  }

  /** `thread 3` or `process 1234`, for messages. */
  describe(): string {
    return `${this.#target instanceof Worker ? 'thread' : 'process'} ${this.id}`;
  }

  send(message: unknown, transferList?: readonly TransferListItem[]): void {
    if (this.#target instanceof Worker) this.#target.postMessage(message, transferList);
    else this.#target.send(message as never);
  }

  /** The next message, in order; rejects once the peer failed or exited with none left. */
  async next<T>(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#messages.length > 0) return this.#messages.shift() as T;
      if (this.#failure) throw this.#failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StepTimeoutError(`${this.describe()} sent nothing within ${timeoutMs} ms`);
      }
      const timer = setTimeout(() => this.#wake?.(), left);
      await new Promise<void>((resolve) => (this.#wake = resolve));
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  /** Waits up to `timeoutMs` for the peer to exit on its own; `undefined` if it did not. */
  async exitWithin(timeoutMs: number): Promise<PeerExit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
    );
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the peer (terminate / SIGKILL) unless it has exited, and waits for the exit. */
  async close(): Promise<PeerExit> {
    if (this.#alive) {
      if (this.#target instanceof Worker) await this.#target.terminate();
      else this.#target.kill('SIGKILL');
    }
    return this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Resolves when every peer has posted `message` once (e.g. 'ready'). */
export async function allSay(peers: readonly Peer[], message: string): Promise<void> {
  await Promise.all(
    peers.map(async (peer) => {
      const got = await peer.next();
      if (got !== message) {
        throw new WorkerFailedError(
          `${peer.describe()} said ${JSON.stringify(got)}, expected ${message}`,
        );
      }
    }),
  );
}
