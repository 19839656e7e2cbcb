export { asCompleted, type AsCompletedOptions } from './as-completed';
export * from './errors';
export { Executor } from './executor';
export type {
  ExecutorOptions,
  ExecutorStats,
  ProcessPoolExecutorOptions,
  ShutdownOptions,
  SubmitOptions,
} from './executor-options';
export type { MapOptions } from './executor-map';
export {
  Future,
  type CancelOptions,
  type DoneCallback,
  type FutureState,
  type WaitOptions,
} from './future';
export { ProcessPoolExecutor } from './process-pool-executor';
export { ThreadPoolExecutor } from './thread-pool-executor';
export { transfer } from './transfer';
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  wait,
  type DoneAndNotDone,
  type ReturnWhen,
  type WaitForOptions,
} from './wait';
