/** Which primitive a name belongs to: a label for metrics and reports. */
export type LockKind =
  | 'Mutex'
  | 'RLock'
  | 'Semaphore'
  | 'BoundedSemaphore'
  | 'RWLock'
  | 'Event'
  | 'Condition'
  | 'Barrier'
  | 'SharedMutex'
  | 'SharedSemaphore'
  | 'SharedBoundedSemaphore'
  | 'SharedRWLock'
  | 'SharedEvent'
  | 'SharedCondition'
  | 'SharedBarrier';

/**
 * A read-only snapshot of one primitive (undici's PoolStats idea): metrics and reports read it
 * instead of reaching into internals. Shared primitives count across every thread.
 */
export interface LockStats {
  readonly name: string;
  readonly kind: LockKind;
  /** Who holds it now: 0/1 for a mutex, permits in use, readers + writer; 0 for Event/Condition. */
  readonly holders: number;
  /** Waits in progress. */
  readonly waiters: number;
  /** Successful acquisitions (for Event/Condition/Barrier: waits that ended normally). */
  readonly acquisitions: number;
  /** Of those, how many had to wait. */
  readonly contended: number;
  readonly timeouts: number;
  readonly aborts: number;
  /** SharedMutex only: holds of dead threads released by `recoverDeadThread`. */
  readonly recoveries?: number;
  /** Age of the longest wait in progress in ms, 0 when nobody waits. */
  readonly oldestWaiterMs: number;
}

/** One holder in a report: an in-loop LockOwner's name, or "thread 3" for shared primitives. */
export interface HolderInfo {
  readonly id: string;
  /** How long it has held, when known. */
  readonly heldMs?: number;
}

/** One waiter in a report. */
export interface WaiterInfo {
  readonly id: string;
  readonly waitedMs: number;
  /** 'read' or 'write' for RW locks. */
  readonly mode?: string;
  /**
   * Set when the entry stands for a group of threads the primitive counts but cannot name
   * (SharedMutex's arrivals waiting for a ticket, see `maxWaiters`): how many; `waitedMs` is
   * then the oldest one's wait.
   */
  readonly threads?: number;
}

/** Who holds and who waits, for the watchdog and for humans reading a stuck program. */
export interface LockInspection {
  readonly name: string;
  readonly kind: LockKind;
  readonly holders: readonly HolderInfo[];
  readonly waiters: readonly WaiterInfo[];
}

/** What every primitive offers for diagnostics. */
export interface Inspectable {
  readonly name: string;
  readonly stats: LockStats;
  inspect(): LockInspection;
}
