/**
 * Worker side: hand a result back without copying its buffers. On a thread the buffers in
 * `transferList` are moved to the caller (and unusable in the worker afterwards); a process
 * cannot share memory with its parent, so there the value is serialized and the list ignored.
 * Typed as the value itself, so a task function's return type stays what the caller receives.
 *
 * @example
 * export function invert(bytes: Uint8Array) {
 *   for (let i = 0; i < bytes.length; i++) bytes[i] = 255 - bytes[i];
 *   return transfer(bytes, [bytes.buffer]);
 * }
 */

import type { TransferListItem } from 'node:worker_threads';

// A registered symbol: the task module may load its own copy of this file.
const kTransfer = Symbol.for('@concurrency-lab/executors.transfer');

interface Transferring {
  readonly [kTransfer]: readonly TransferListItem[];
  readonly value: unknown;
}

export function transfer<T>(value: T, transferList: readonly TransferListItem[]): T {
  const marked: Transferring = { [kTransfer]: transferList, value };
  return marked as unknown as T;
}

/** The value a task returned, its transfer list (if any) appended to `into`. */
export function unwrapTransfer(result: unknown, into: TransferListItem[]): unknown {
  if (typeof result !== 'object' || result === null || !(kTransfer in result)) return result;
  const marked = result as Transferring;
  into.push(...marked[kTransfer]);
  return marked.value;
}
