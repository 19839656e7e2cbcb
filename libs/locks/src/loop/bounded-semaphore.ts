import type { LockKind } from '../common/lock-stats';
import { OverReleaseError } from '../errors';
import { Semaphore, type SemaphoreOptions } from './semaphore';

/**
 * Python's `threading.BoundedSemaphore`: a Semaphore that refuses (`ERR_LOCK_OVER_RELEASE`) to hold
 * more permits than it started with, which catches a release without a matching acquire.
 */
export class BoundedSemaphore extends Semaphore {
  protected static override readonly kindName: LockKind = 'BoundedSemaphore';
  /** The permits it started with, and the most it will ever hold. */
  readonly bound: number;

  constructor(options?: SemaphoreOptions) {
    super(options);
    this.bound = this.value;
  }

  protected override addPermits(count: number): void {
    if (this.value + count > this.bound) throw new OverReleaseError(this.name, this.bound);
    super.addPermits(count);
  }
}
