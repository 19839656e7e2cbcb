import { isMainThread, threadId } from 'node:worker_threads';
import { DeadlockError, MainThreadWaitError } from '../errors';

/**
 * This thread as stored in shared cells: threadId + 1, because 0 means "nobody" there.
 * (The main thread's threadId is 0.)
 */
export const THREAD_TAG = threadId + 1;

export function threadLabel(tag: number): string {
  return tag === 1 ? 'main thread' : `thread ${tag - 1}`;
}

/**
 * The main thread must never block (it runs the event loop): only workers may Atomics.wait.
 * `lock` and `call` name the refused call ("counter", "acquireSync()"); the message is only
 * built when it is thrown, as this check runs on every blocking acquire.
 */
export function assertMayBlock(lock: string, call: string): void {
  if (isMainThread) {
    throw new MainThreadWaitError(
      `${lock}.${call} blocks the thread (Atomics.wait); on the main thread use the async form, which waits with Atomics.waitAsync`,
    );
  }
}

/** The error for a thread about to block on a lock it holds itself: the wait could never end. */
export function selfDeadlock(lock: string): DeadlockError {
  const self = threadLabel(THREAD_TAG);
  return new DeadlockError([{ owner: self, lock, heldBy: self }]);
}
