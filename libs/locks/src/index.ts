/**
 * @concurrency-lab/locks: Python's threading primitives (Lock, RLock, Semaphore,
 * BoundedSemaphore, Event, Condition, Barrier, plus a readers-writer lock) in two families
 * with one vocabulary: in-loop (async tasks of one event loop) and cross-thread
 * (SharedArrayBuffer + Atomics, for worker threads). FIFO by default, with timeouts,
 * AbortSignal, try-acquire, `using`, stats, an instrumentation hook, deadlock detection and a
 * watchdog.
 */
export {
  BarrierBrokenError,
  DeadlockError,
  ERROR_CATALOG,
  InvalidArgumentError,
  isLockError,
  LOCK_ERRORS,
  LockError,
  LockObserverError,
  LockTimeoutError,
  MainThreadWaitError,
  NotOwnerError,
  OverReleaseError,
  OwnerRequiredError,
  TooManyWaitersError,
  type DeadlockEdge,
  type ErrorCatalogEntry,
  type LockErrorClass,
  type LockErrorCode,
} from './errors';

// Shared vocabulary
export type { AcquireOptions, SyncAcquireOptions, WaitOptions } from './common/acquire-options';
export type { AsyncLock } from './common/async-lock';
export {
  observeLocks,
  type LockObserver,
  type ObservedLock,
  type ObserverRegistration,
} from './common/lock-observer';
export type { LockOptions } from './common/lock-options';
export type { LockView, SyncLockView } from './common/lock-view';
// The inspection vocabulary (LockKind, LockStats, LockInspection, …): every type it declares is
// public.
export type * from './common/lock-stats';
export type { UnlockToken } from './common/unlock-token';
export { LockWatchdog, type StallReport, type WatchdogOptions } from './lock-watchdog';

// In-loop family
export { Barrier, type BarrierOptions } from './loop/barrier';
export { BoundedSemaphore } from './loop/bounded-semaphore';
export { Condition, type ConditionOptions } from './loop/condition';
export { Event } from './loop/event';
export { LockOwner, type OwnedAcquireOptions } from './loop/lock-owner';
export { Mutex } from './loop/mutex';
export { RLock } from './loop/rlock';
export { RWLock } from './loop/rw-lock';
export { Semaphore, type SemaphoreOptions } from './loop/semaphore';

// Cross-thread family
export {
  SharedBarrier,
  type SharedBarrierAdoptOptions,
  type SharedBarrierHandle,
  type SharedBarrierOptions,
} from './shared/shared-barrier';
export {
  SharedCondition,
  type SharedConditionHandle,
  type SharedConditionOptions,
} from './shared/shared-condition';
export { SharedEvent, type SharedEventHandle } from './shared/shared-event';
export type { SharedHandle } from './shared/shared-handle';
export {
  SharedMutex,
  type DeadThreadRecovery,
  type SharedLockOptions,
  type SharedMutexHandle,
} from './shared/shared-mutex';
export type { AdoptOptions } from './shared/shared-primitive';
export { SharedRWLock, type SharedRWLockHandle } from './shared/shared-rw-lock';
export {
  SharedSemaphore,
  type SharedSemaphoreHandle,
  type SharedSemaphoreOptions,
} from './shared/shared-semaphore';
