/**
 * @concurrency-lab/locks/internal: the building blocks this library shares with the workspace
 * libraries built on it (@concurrency-lab/queues; @concurrency-lab/executors takes its option
 * checks). Internal: no stability promise outside this repository; applications import
 * `@concurrency-lab/locks`.
 *
 * The values are exported as constants rather than with `export { x } from`: TypeScript's
 * CommonJS output turns a re-export into an accessor, which costs a call on every use, and the
 * queues call these in their hottest loops (the shared ring's put/get measured ~15% slower
 * through accessors).
 */
import * as validation from './common/argument-validator';
import { WaitQueue as WaitQueueClass } from './loop/wait-queue';
import { Waiter as WaiterClass } from './loop/waiter';
import * as atomicWait from './shared/atomic-wait';
import * as wordMutex from './shared/word-mutex';

export type { InvalidArgumentErrorClass, ParsedWait } from './common/argument-validator';
export type { CancelReason } from './loop/waiter';

export const ArgumentValidator = validation.ArgumentValidator;
export type ArgumentValidator = validation.ArgumentValidator;
export const describeValue = validation.describeValue;
export const MAX_TIMEOUT_MS = validation.MAX_TIMEOUT_MS;

export const Waiter = WaiterClass;
export type Waiter<T = unknown> = WaiterClass<T>;
export const WaitQueue = WaitQueueClass;
export type WaitQueue = WaitQueueClass;

export const deadlineAfter = atomicWait.deadlineAfter;
export const remainingMs = atomicWait.remainingMs;
export const waitAsync = atomicWait.waitAsync;
export type { WaitOutcome } from './shared/atomic-wait';

export const WordMutex = wordMutex.WordMutex;
export type WordMutex = wordMutex.WordMutex;
export const spinPause = wordMutex.spinPause;
