import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { HolderInfo } from '../common/lock-stats';
import { LockView } from '../common/lock-view';
import type { LockOwner, OwnedAcquireOptions } from './lock-owner';
import { QueuedLock } from './queued-lock';
import type { Waiter } from './waiter';

const READ = 1;
const WRITE = 2;

/**
 * A readers-writer lock: many readers or one writer.
 *
 * Writer policy — FIFO, phase-fair: requests are served in arrival order. Readers at the head
 * of the queue enter together (and join readers already inside while nobody waits); a writer
 * waits for the readers inside to leave, and while it waits, readers arriving after it queue
 * behind it. So a stream of readers cannot starve a writer, and the readers queued behind a
 * writer all enter together once it is done, so writers cannot starve readers either.
 *
 * Consequence, detected rather than hung: an owner that holds a read lock and asks again
 * while a writer waits, or asks to write (upgrade), gets `ERR_LOCK_DEADLOCK`.
 *
 * @example
 * await rw.read.withLock(() => cache.get(key));
 * await rw.write.withLock(() => cache.set(key, value));
 */
export class RWLock extends QueuedLock {
  /** Shared access. */
  readonly read: LockView<OwnedAcquireOptions>;
  /** Exclusive access. */
  readonly write: LockView<OwnedAcquireOptions>;
  readonly #readerOwners = new Map<LockOwner | undefined, number>();
  #readers = 0;
  #writer = false;
  #writerOwner: LockOwner | undefined = undefined;

  constructor(options?: LockOptions) {
    const { name, observer } = parseLockOptions(options, 'RWLock');
    super(name, 'RWLock', observer, true);
    this.read = this.#view(READ);
    this.write = this.#view(WRITE);
  }

  /** Readers inside now. */
  get readers(): number {
    return this.#readers;
  }

  /** Whether a writer is inside now. */
  get writing(): boolean {
    return this.#writer;
  }

  protected tryTake(owner: LockOwner | undefined, mode: number): boolean {
    if (this.queue.size !== 0 || this.#writer) return false;
    if (mode === WRITE && this.#readers !== 0) return false;
    this.take(owner, mode);
    return true;
  }

  protected canGrant(waiter: Waiter): boolean {
    return !this.#writer && (waiter.mode === READ || this.#readers === 0);
  }

  protected take(owner: LockOwner | undefined, mode: number): void {
    if (mode === WRITE) {
      this.#writer = true;
      this.#writerOwner = owner;
      return;
    }
    this.#readers++;
    this.#readerOwners.set(owner, (this.#readerOwners.get(owner) ?? 0) + 1);
  }

  protected untake(token: { mode: number; owner: unknown }): void {
    if (token.mode === WRITE) {
      this.#writer = false;
      this.#writerOwner = undefined;
      return;
    }
    this.#readers--;
    const owner = token.owner as LockOwner | undefined;
    const left = (this.#readerOwners.get(owner) ?? 1) - 1;
    if (left === 0) this.#readerOwners.delete(owner);
    else this.#readerOwners.set(owner, left);
  }

  protected holderCount(): number {
    return this.#readers + (this.#writer ? 1 : 0);
  }

  protected *holderOwners(): Iterable<LockOwner | undefined> {
    if (this.#writer) yield this.#writerOwner;
    yield* this.#readerOwners.keys();
  }

  protected override holderInfos(): HolderInfo[] {
    const holders: HolderInfo[] = [];
    if (this.#writer) holders.push({ id: `${this.#writerOwner?.name ?? 'anonymous'} (write)` });
    for (const [owner, count] of this.#readerOwners) {
      for (let i = 0; i < count; i++) holders.push({ id: `${owner?.name ?? 'anonymous'} (read)` });
    }
    return holders;
  }

  protected override modeName(mode: number): string {
    return mode === WRITE ? 'write' : 'read';
  }

  #view(mode: number): LockView<OwnedAcquireOptions> {
    return new LockView<OwnedAcquireOptions>(this, {
      acquire: (options) => this.acquireMode(mode, options),
      tryAcquire: () => this.tryAcquireMode(mode),
      withLock: (fn, options) => this.withLockMode(mode, fn, options),
    });
  }
}
