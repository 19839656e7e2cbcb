/**
 * The pool thread's entry point (piscina loads this file in every worker thread). It runs the
 * contract's CPU tasks and the shared-counter increments, and answers errors as values — see
 * `PoolResponse`.
 */
import { serializeError } from '@concurrency-lab/errors';
import { SharedMutex, type SharedMutexHandle } from '@concurrency-lab/locks';
import {
  checkCrossable,
  crashIfSwitched,
  poolCrashFibN,
  runCpuTask,
} from '@concurrency-lab/workloads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import type { PoolRequest, PoolResponse } from './pool-protocol';
import { awaitStartLine, incrementCell, startLineAbandoned } from './shared-counter';

/**
 * A pool without a counter of its own (hybrid keeps its counter in the cluster primary) has none.
 */
const data = (workerData ?? {}) as { counter?: SharedArrayBuffer; counterLock?: SharedMutexHandle };
const counter = data.counter;
/** The counter's lock, rebuilt in this thread from the handle the main thread created. */
const counterLock = data.counterLock ? SharedMutex.from(data.counterLock) : undefined;

/** The fault-injection switch (off unless `FAULT_INJECTION_POOL_CRASH_FIB_N` is set). */
const crashOn = poolCrashFibN(process.env);

const now = () => performance.timeOrigin + performance.now();

/** `00-<trace id>-<span id>-<flags>`: parsed by hand, so a thread loads no tracing SDK. */
const traceIdIn = (request: PoolRequest) => request.trace?.['traceparent']?.split('-')[1];

/** Async because a custom workload (`LAB_WORKLOAD`) may be: piscina awaits the answer. */
export default async function handle(
  request: PoolRequest,
): Promise<PoolResponse | ReturnType<typeof move>> {
  const startedAt = now();
  const traceId = traceIdIn(request);
  try {
    if (request.op === 'increment') {
      if (!counter) throw new Error('this pool was started without a shared counter');
      awaitStartLine(request.start, request.parties);
      // Once the request gives up on its shares (one was refused, its deadline passed, its
      // client left), this one adds nothing more: none if it has not begun, else not another
      // batch.
      const { start } = request;
      const { retries, lockTimes } = incrementCell(
        counter,
        request.times,
        request.safe,
        counterLock,
        () => startLineAbandoned(start),
      );
      return {
        ok: true,
        result: { retries, lockTimes },
        threadId,
        startedAt,
        workMs: now() - startedAt,
        traceId,
      };
    }
    crashIfSwitched(request.task, crashOn);
    const result = await runCpuTask(request.task);
    // What the operator's `run` answered must survive the way back, or piscina's post of it
    // kills this thread: refused here, it is the workload's failure (500 ERR_WORK_FAILED).
    if (request.task.kind === 'custom') checkCrossable(result);
    const response: PoolResponse = {
      ok: true,
      result,
      threadId,
      startedAt,
      workMs: now() - startedAt,
      traceId,
    };
    if (result instanceof Uint8Array) {
      // Hand the encoded PNG back without copying. Only a view that owns its whole buffer may
      // be transferred, or we would detach memory something else still uses.
      const owned =
        result.byteOffset === 0 && result.byteLength === result.buffer.byteLength
          ? result
          : new Uint8Array(result); // a copy: Buffer#slice would be another view
      response.result = owned;
      return movable(response, owned.buffer as ArrayBuffer);
    }
    return response;
  } catch (error) {
    return {
      ok: false,
      error: serializeError(error),
      threadId,
      startedAt,
      workMs: now() - startedAt,
    };
  }
}

/**
 * piscina's `move()` transfers one value; to return the whole response with its PNG buffer in
 * the transfer list we hand `move` an object implementing piscina's Transferable interface.
 */
function movable(response: PoolResponse, buffer: ArrayBuffer): ReturnType<typeof move> {
  return move({
    get [transferableSymbol]() {
      return buffer;
    },
    get [valueSymbol]() {
      return response;
    },
  });
}
