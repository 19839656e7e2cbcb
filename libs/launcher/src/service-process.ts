import { spawn, type ChildProcess } from 'node:child_process';
import { LaunchArgumentError, StartFailedError } from './errors';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service of this repository running as a real child process. */
export interface ServiceProcess {
  /** For messages: the app name, or what the caller called it. */
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /**
   * Resolves once the process has exited and what it printed is read to the end, so `output()`
   * then holds its last words (never rejects). See {@link OUTPUT_GRACE_MS}.
   */
  readonly exited: Promise<ExitStatus>;
  /** The last {@link OUTPUT_LIMIT} characters it printed (stdout and stderr, interleaved). */
  output(): string;
  /**
   * Its JSON log lines so far (pino's records), parsed, oldest first: see {@link logRecords}.
   * `T` names the fields the caller reads (`{ msg: string; workerPids?: number[] }`); nothing
   * checks them.
   */
  logs<T extends object = LogRecord>(): T[];
  /**
   * Sends `signal` (default SIGTERM), SIGKILLs after `killAfterMs` (Infinity: never), and
   * resolves with the exit status. Safe to call twice and after the process has exited.
   * @throws LaunchArgumentError (a rejection), before any signal, for a `killAfterMs` that is
   * not Infinity nor a number of ms from 0 to 2^31-1: a timer past that range fires at once
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ExitStatus>;
}

/** A JSON log line of a service (a pino record): its `msg` and whatever fields it logged. */
export interface LogRecord {
  readonly msg?: unknown;
  readonly [field: string]: unknown;
}

export interface LaunchOptions {
  /** For messages. @default the entry path */
  name?: string;
  /** Added to the parent's environment; `PORT` defaults to `0` (any free port). */
  env?: Record<string, string>;
  /** How long to wait for the `listening` log line. @default 20000 */
  startTimeoutMs?: number;
  /** Node flags before the entry (`--cpu-prof`, `--inspect`). */
  nodeArgs?: string[];
  /** The process's working directory (an image's is its WORKDIR). @default this process's */
  cwd?: string;
  /**
   * Aborting it before the process listens stops the process (SIGTERM, SIGKILL past
   * {@link KILL_AFTER_MS}) and rejects with the signal's reason once it has exited: Ctrl-C
   * during a start ends that start now, not when the service is up (up to `startTimeoutMs`
   * later), and leaves nothing running. Already aborted: nothing is spawned.
   */
  signal?: AbortSignal;
  /**
   * Give the process a lifeline (see {@link LIFELINE_VARIABLE}): it drains and exits once this
   * process is gone, however it went (SIGKILL, a crash, the OOM killer). False: stdin `ignore`
   * and no variable, so it outlives this process — what a test of that needs. `env` may still
   * set the variable (a test of a bad value). @default true
   */
  lifeline?: boolean;
}

/**
 * The variable that arms a service's lifeline, and the value the launcher gives it: `stdin`,
 * the process's stdin is a pipe this process holds open and never writes; it ends when this
 * process is gone, because the kernel closes this end, and the service then stops itself by
 * its SIGTERM path (`watchLifeline` in the service kit, which reads the variable:
 * docs/contract.md). Written here as well as there because the launcher may not import the kit
 * (the kit's tests import the launcher); a test of the kit's holds the two equal.
 */
export const LIFELINE_VARIABLE = 'LAB_LIFELINE';
export const LIFELINE_STDIN = 'stdin';

/**
 * One kill timeout for every service the repository starts: the longest orderly exit plus a
 * margin. That is a cluster primary's: the default SHUTDOWN_TIMEOUT_MS (10 s), then its budget for
 * a worker past it (runner close 1 s, span flush 2 s, final metrics 0.5 s, exit 1 s: service-kit's
 * RUNNER_CLOSE_TIMEOUT_MS and SPAN_FLUSH_TIMEOUT_MS, cluster-runtime's FINAL_METRICS_TIMEOUT_MS),
 * then its own span flush (2 s): 16.5 s.
 */
export const KILL_AFTER_MS = 18_000;
/** Output kept per process: enough for any start failure, bounded for hour-long runs. */
export const OUTPUT_LIMIT = 64 * 1024;
const DEFAULT_START_TIMEOUT_MS = 20_000;

/** The longest delay setTimeout keeps; past it (2^31 ms and more) it fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * How long past its exit a process's output may still be read before the exit counts anyway:
 * its stdout and stderr end once every process holding them has closed them, and a process it
 * started may hold them (a cluster worker outliving a SIGKILLed primary) as long as it lives.
 */
export const OUTPUT_GRACE_MS = 2000;

/**
 * Starts `node <entry>` and resolves once it logs its `listening` line
 * (`{"msg":"listening","port":…}`) — the line a person sees, so readiness means what it says.
 * Rejects with {@link StartFailedError} (carrying the output) if the process cannot be spawned,
 * exits or stays silent instead; a silent process is killed first. Rejects with the abort reason
 * when `signal` aborts first (see {@link LaunchOptions.signal}).
 */
export function launch(entry: string, options: LaunchOptions = {}): Promise<ServiceProcess> {
  const name = options.name ?? entry;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const { signal: abortSignal } = options;
  if (abortSignal?.aborted) return Promise.reject(abortSignal.reason as Error);
  const lifeline = options.lifeline ?? true;
  // Never passed on from this process's own environment: set by the launcher, or not at all (a
  // service without the pipe reading the variable would stop at once, its stdin at its end).
  const { [LIFELINE_VARIABLE]: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    env: {
      ...inherited,
      PORT: '0',
      ...(lifeline ? { [LIFELINE_VARIABLE]: LIFELINE_STDIN } : {}),
      ...options.env,
    },
    cwd: options.cwd,
    stdio: [lifeline ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  // The lifeline's end here: held open as long as this process lives, never written nor ended.
  // libuv opens it close-on-exec, so no other process this one starts holds it; and Node
  // destroys it once the child has exited. Not reading, it keeps nothing alive; the listener
  // only keeps an error on it (none is expected: nothing is written) from being uncaught.
  child.stdin?.on('error', () => undefined);
  let output = '';
  const record = (text: string) => {
    output += text;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  let spawnError: Error | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    // 'close', not 'exit': on 'exit' the last of what a dying process printed may still be
    // unread in its pipe (libuv handles a SIGCHLD after the other events of a poll, and it reaps
    // every child that has exited, also one whose last line is only in the next poll), and a
    // StartFailedError then lacks the line that says why. 'close' comes once the process has
    // exited and its stdout and stderr have ended.
    let grace: NodeJS.Timeout | undefined;
    child.once('close', (code, signal) => {
      clearTimeout(grace);
      resolve({ code, signal });
    });
    child.once('exit', (code, signal) => {
      grace = setTimeout(() => resolve({ code, signal }), OUTPUT_GRACE_MS);
      grace.unref();
    });
    // A process that could not be spawned (a missing cwd: ENOENT; EAGAIN, EMFILE) emits 'error'
    // and never 'exit': without this listener the 'error' would kill the launcher, and
    // `exited` would never resolve. It never ran: no code, no signal.
    child.on('error', (error) => {
      if (child.pid !== undefined) {
        // A running child's 'error' is a failed kill (it may already be gone): not an exit.
        record(`launcher: ${error.message}\n`);
        return;
      }
      spawnError = error;
      resolve({ code: null, signal: null });
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs = KILL_AFTER_MS) => {
    // Refused rather than clamped: every caller passes a constant, so a bad one is a mistake.
    if (killAfterMs !== Infinity && !(killAfterMs >= 0 && killAfterMs <= MAX_TIMER_MS)) {
      throw new LaunchArgumentError(
        `Expected \`killAfterMs\` to be Infinity or from 0 to ${MAX_TIMER_MS}, got ${killAfterMs}`,
      );
    }
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const killer =
      killAfterMs === Infinity ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const status = await exited;
    clearTimeout(killer);
    return status;
  };

  return new Promise<ServiceProcess>((resolve, reject) => {
    let settled = false;
    let pending = '';
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', onAbort);
      outcome();
    };
    // Rejected once the process is gone, as an abort is: a caller that awaits the start (a
    // fleet stopping what it started) is left with nothing running.
    const timer = setTimeout(
      () =>
        settle(() => {
          void stop('SIGKILL').then(() =>
            reject(
              new StartFailedError(`${name} did not log "listening" within ${startTimeoutMs} ms`, {
                output,
              }),
            ),
          );
        }),
      startTimeoutMs,
    );
    // Settled at once, so a `listening` line from here on no longer resolves the start; it
    // rejects once the process is gone, so a caller that awaits it leaves nothing behind.
    const onAbort = () =>
      settle(() => {
        void stop().then(() => reject(abortSignal?.reason as Error));
      });
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    // Decoded as streams, not chunk by chunk: a pipe cuts a multi-byte character anywhere, and
    // its halves decoded apart would be two U+FFFD in the output, the logs and the error.
    child.stderr?.setEncoding('utf8');
    child.stdout?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => record(text));
    child.stdout?.on('data', (text: string) => {
      record(text);
      if (settled) return;
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const port = listeningPort(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (port !== undefined) {
          settle(() => resolve(handle(port)));
          return;
        }
      }
    });
    exited.then(
      (status) =>
        settle(() =>
          reject(
            spawnError
              ? new StartFailedError(`${name} could not be started: ${spawnError.message}`, {
                  output,
                  cause: spawnError,
                })
              : new StartFailedError(
                  `${name} exited (${JSON.stringify(status)}) before listening`,
                  {
                    output,
                  },
                ),
          ),
        ),
      () => undefined,
    );

    const handle = (port: number): ServiceProcess => ({
      name,
      url: `http://127.0.0.1:${port}`,
      port,
      pid: child.pid ?? -1,
      child,
      exited,
      output: () => output,
      logs: <T extends object>() => logRecords(output) as T[],
      stop,
    });
  });
}

/** The port of a `{"msg":"listening","port":N}` log line, else undefined. */
export function listeningPort(line: string): number | undefined {
  const record = recordOf(line);
  return record?.msg === 'listening' && typeof record['port'] === 'number'
    ? record['port']
    : undefined;
}

/**
 * The JSON log lines in a service's output, parsed, oldest first. Other lines (a stack trace,
 * a child's plain text) are skipped, and so is a record cut short by the output limit.
 */
export function logRecords(output: string): LogRecord[] {
  return output.split('\n').flatMap<LogRecord>((line) => recordOf(line) ?? []);
}

/** One line of output as a log record, or undefined when it is none. */
function recordOf(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LogRecord;
  } catch {
    return undefined; // a line that only looks like JSON (or was cut short): not a record
  }
}
