export {
  ERROR_CATALOG,
  isQueueError,
  InvalidArgumentError,
  MainThreadBlockingError,
  MessageTooLargeError,
  QUEUE_ERROR_CLASSES,
  QUEUE_ERRORS,
  QueueEmptyError,
  QueueError,
  QueueFullError,
  QueueObserverError,
  QueueShutdownError,
  QueueTimeoutError,
  TaskDoneOvercalledError,
  type ErrorCatalogEntry,
  type QueueErrorCode,
} from './errors';
export type { WaitOptions } from '@concurrency-lab/locks';
export type { QueueEvent, QueueObserver, QueueWaitEvent } from './queue-observer';
export {
  queueMetricsObserver,
  type GaugeLike,
  type HistogramLike,
  type QueueMetrics,
} from './queue-metrics-observer';
export {
  AsyncQueue,
  type QueueOptions,
  type QueueStats,
  type ShutdownOptions,
} from './async-queue';
export { LifoQueue } from './lifo-queue';
export { PriorityQueue, type PriorityQueueOptions } from './priority-queue';
export {
  WorkQueue,
  type RunOptions,
  type WorkQueueOptions,
  type WorkQueueStats,
} from './work-queue';
export type { Job, JobContext } from './job-ticket';
export {
  SharedRingQueue,
  type BlockingWaitOptions,
  type GetManyOptions,
  type SharedRingQueueOptions,
  type SharedRingStats,
} from './shared-ring-queue';
