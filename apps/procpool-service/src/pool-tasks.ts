/**
 * The task module every pool process loads (the executor's `filename`): `cpu` runs one of the
 * contract's CPU tasks, `counterShare` does one share of a counter request against the manager
 * in the HTTP process. Both answer a `TaskAnswer` (value + timings). This module runs in a child
 * process only, and loads no tracing SDK and no service kit: just the work and the RPC it needs.
 */
import { RpcEndpoint, runCounterShare } from '@concurrency-lab/cluster-runtime/rpc';
import {
  checkCrossable,
  crashIfSwitched,
  poolCrashFibN,
  runCpuTask,
  type CpuTask,
  type CpuTaskResult,
} from '@concurrency-lab/workloads';
import { once } from 'node:events';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  MANAGER_BUSY,
  MANAGER_BUSY_CODE,
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
 * then, and the warm-up task (see `ProcessPoolRunner.warmUp`). Answers the process's pid.
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
 * are with the authkey, then increment its value over the connection — get then set, or add —
 * and hang up. The value never lives here; only the round trips do.
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
    const socket = connect(address);
    // Once connected, a broken connection shows as 'close', which fails the pending calls.
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const port = socketPort(socket);
    const rpc = new RpcEndpoint(port);
    socket.once('close', () => rpc.close());
    // A manager at one of its bounds says so before it hangs up: that is a 503, not a crash.
    let refused = false;
    port.on('message', (message: unknown) => {
      if ((message as { kind?: unknown } | null)?.kind !== MANAGER_BUSY.kind) return;
      refused = true;
      rpc.close();
    });
    try {
      port.send({ kind: 'hello', authkey, ...(token !== undefined ? { token } : {}) });
      return await runCounterShare(rpc, { times, safe });
    } catch (error) {
      if (!refused) throw error;
      throw Object.assign(
        new Error('the counter manager refused the connection: too many connections', {
          cause: error,
        }),
        { code: MANAGER_BUSY_CODE },
      );
    } finally {
      rpc.close();
      socket.end();
    }
  });
}
