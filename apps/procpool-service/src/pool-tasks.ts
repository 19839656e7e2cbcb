/**
 * The task module every pool process loads (the executor's `filename`): `cpu` runs one of the
 * contract's CPU tasks, `counterShare` does one share of a counter request against the manager
 * in the HTTP process. Both answer a `TaskAnswer` (value + timings). This module runs in a child
 * process only, and loads no tracing SDK and no service kit: just the work and the RPC it needs.
 */
import { channelClosed, RpcEndpoint, runCounterShare } from '@concurrency-lab/cluster-runtime/rpc';
import {
  checkCrossable,
  crashIfSwitched,
  poolCrashFibN,
  runCpuTask,
  type CpuTask,
  type CpuTaskResult,
} from '@concurrency-lab/workloads';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MANAGER_BUSY,
  MANAGER_BUSY_CODE,
  MANAGER_GO,
  MANAGER_UNREACHABLE_CODE,
  type CpuTaskArgument,
  type ShareArgument,
  type TaskAnswer,
  type TaskTraceCarrier,
} from './pool-task-protocol';
import { socketPort } from './socket-port';

/** The fault-injection switch (off unless `FAULT_INJECTION_POOL_CRASH_FIB_N` is set). */
const crashOn = poolCrashFibN(process.env);

const now = () => performance.timeOrigin + performance.now();

/** `00-<trace id>-<span id>-<flags>`: parsed by hand, so the process loads no tracing SDK. */
const traceIdIn = (trace: TaskTraceCarrier | undefined) => trace?.['traceparent']?.split('-')[1];

/** Runs `work` and answers its value with this process's timings; a throw carries them too. */
async function timed<R>(
  trace: TaskTraceCarrier | undefined,
  work: () => R | Promise<R>,
): Promise<TaskAnswer<R>> {
  const startedAt = now();
  const traceId = traceIdIn(trace);
  try {
    const value = await work();
    return {
      value,
      pid: process.pid,
      startedAt,
      workMs: now() - startedAt,
      ...(traceId ? { traceId } : {}),
    };
  } catch (error) {
    if (error instanceof Error) {
      Object.assign(error, { pid: process.pid, startedAt, workMs: now() - startedAt });
    }
    throw error;
  }
}

/**
 * Nothing: the executor's initializer, run as each process starts so that it loads this module
 * then (a process is up, for `ProcessPoolRunner.warmUp`, once it has returned). Answers the
 * process's pid.
 */
export function warmUp(): number {
  return process.pid;
}

export function cpu({ task, trace }: CpuTaskArgument): Promise<TaskAnswer<CpuTaskResult<CpuTask>>> {
  return timed(trace, async () => {
    crashIfSwitched(task, crashOn);
    const result = await runCpuTask(task);
    // What the operator's `run` answered must survive the way back to the service: refused
    // here, it is the workload's failure (500 ERR_WORK_FAILED), not a crashed process.
    if (task.kind === 'custom') checkCrossable(result);
    return result;
  });
}

/**
 * A proxy's work, as in Python's `multiprocessing.Manager`: connect to the manager, prove who we
 * are with the authkey, wait for its `go` (every share of the request connected), then increment
 * its value over the connection — get then set, or add — and hang up. The value never lives
 * here; only the round trips do.
 */
export function counterShare({
  address,
  authkey,
  times,
  safe,
  token,
  trace,
}: ShareArgument): Promise<TaskAnswer<number>> {
  return timed(trace, async () => {
    const socket = await connectToManager(address);
    const port = socketPort(socket);
    const rpc = new RpcEndpoint(port);
    // The manager answers the hello `go` once every share of the request is connected, or `busy`
    // at one of its bounds (a 503, not a crash), or hangs up (cut: its request was given up).
    // Nothing is sent before `go`: a request refused at another share's connection adds nothing.
    let refused = false;
    const go = new Promise<void>((resolve, reject) => {
      port.on('message', (message: unknown) => {
        const kind = (message as { kind?: unknown } | null)?.kind;
        if (kind === MANAGER_GO.kind) resolve();
        if (kind !== MANAGER_BUSY.kind) return;
        refused = true;
        rpc.close();
        reject(channelClosed());
      });
      socket.once('close', () => {
        rpc.close();
        reject(channelClosed());
      });
    });
    try {
      port.send({ kind: 'hello', authkey, ...(token !== undefined ? { token } : {}) });
      await go;
      return await runCounterShare(rpc, { times, safe });
    } catch (error) {
      if (!refused) throw error;
      throw managerBusy('the counter manager refused the connection: too many connections', error);
    } finally {
      rpc.close();
      socket.end();
    }
  });
}

/**
 * How long a share waits before each new try when the manager's listen queue is full (connect
 * fails EAGAIN: a Unix socket's backlog does not make a connect wait, it refuses it). A full
 * queue is a moment of the manager's loop being behind on accepting — a burst, or another local
 * process flooding the socket — so a try or two a few ms later usually gets in; past them the
 * share is refused as at the manager's other bounds, not waited for without end.
 */
export const CONNECT_RETRY_DELAYS_MS: readonly number[] = [5, 20];

/**
 * Connects to the manager's socket. A connect that fails is no crash of this process, so it
 * never surfaces as one (500 `ERR_WORKER_CRASHED`):
 * - EAGAIN, the listen queue is full: a bound of the manager's, tried again (see
 *   `CONNECT_RETRY_DELAYS_MS`), then the manager's `busy` refusal — 503 + `Retry-After`;
 * - ENOENT or ECONNREFUSED, nothing listens at the address: the manager is gone (its socket or
 *   directory removed under it — the service closes it only after its pool, so draining never
 *   gets here). No retry can help, so no 503 invites one: the service's own fault, a 500
 *   `ERR_INTERNAL` (see `MANAGER_UNREACHABLE_CODE`);
 * - anything else stays what it is.
 */
async function connectToManager(address: string): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    const socket = connect(address);
    try {
      await once(socket, 'connect'); // rejects with the connect's error
      // From here a broken connection shows as 'close', which fails the pending calls.
      socket.on('error', () => undefined);
      return socket;
    } catch (error) {
      socket.destroy();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        const delay = CONNECT_RETRY_DELAYS_MS[attempt];
        if (delay !== undefined) {
          await sleep(delay);
          continue;
        }
        throw managerBusy("the counter manager's listen queue is full", error);
      }
      if (code === 'ENOENT' || code === 'ECONNREFUSED') {
        throw Object.assign(new Error('the counter manager is not listening', { cause: error }), {
          code: MANAGER_UNREACHABLE_CODE,
        });
      }
      throw error;
    }
  }
}

/** The refusal at one of the manager's bounds, coded for `ProcessPoolRunner` (a 503). */
function managerBusy(message: string, cause: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code: MANAGER_BUSY_CODE });
}
