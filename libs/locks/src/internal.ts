/**
 * @concurrency-lab/locks/internal: the building blocks this library shares with the workspace
 * libraries built on it (@concurrency-lab/queues). Internal: no stability promise outside this
 * repository; applications import `@concurrency-lab/locks`.
 */
export {
  ArgumentValidator,
  describeValue,
  MAX_TIMEOUT_MS,
  type InvalidArgumentErrorClass,
  type ParsedWait,
} from './common/argument-validator';
export { WaitQueue } from './loop/wait-queue';
export { Waiter, type CancelReason } from './loop/waiter';
export { deadlineAfter, remainingMs } from './shared/atomic-wait';
export { spinPause, WordMutex } from './shared/word-mutex';
