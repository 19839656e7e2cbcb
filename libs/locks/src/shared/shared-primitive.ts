import { LockInstrument, type LockObserver } from '../common/lock-observer';
import { parseLockOptions } from '../common/lock-options';
import type {
  HolderInfo,
  Inspectable,
  LockInspection,
  LockKind,
  LockStats,
  WaiterInfo,
} from '../common/lock-stats';
import { validate } from '../common/validate';
import { HEADER_WORDS, SharedClock } from './shared-clock';
import { checkBufferSize, validateHandle, type SharedHandle } from './shared-handle';
import type { TallyCounts } from './shared-tally';
import { threadLabel } from './thread-identity';

export type SharedKind = Extract<LockKind, `Shared${string}`>;

/** Options when rebuilding from a handle in another thread (the layout is the creator's). */
export interface AdoptOptions {
  /** This thread's hook for this lock. */
  readonly observer?: LockObserver;
}

/**
 * Where a shared primitive's constructor starts: a fresh buffer, or the one of an adopted handle.
 */
export interface OpenedShared<K extends SharedKind> {
  readonly kind: K;
  readonly name: string;
  readonly observer: LockObserver | undefined;
  /** The validated options object: the creator's options, or this thread's adopt options. */
  readonly options: Record<string, unknown>;
  readonly buffer: SharedArrayBuffer;
  /** The handle being adopted (`from`), undefined when this thread created the primitive. */
  readonly adopted: SharedHandle<K> | undefined;
}

/*
 * A constructor has one public signature, `new SharedX(options)`; `SharedX.from(handle)` runs it
 * with the handle parked here, and the constructor's first step (`openShared`) takes it.
 */
let adopting: SharedHandle | undefined;

/**
 * The first step of every shared primitive's constructor. Adopting: the name and buffer are the
 * handle's. Creating: the options are parsed and `create` lays out a new buffer.
 */
export function openShared<K extends SharedKind>(
  kind: K,
  options: unknown,
  create: (options: Record<string, unknown>, name: string) => SharedArrayBuffer,
): OpenedShared<K> {
  const adopted = adopting as SharedHandle<K> | undefined;
  adopting = undefined;
  if (adopted === undefined) {
    const { name, observer, record } = parseLockOptions(options, kind);
    const buffer = create(record, name);
    return { kind, name, observer, options: record, buffer, adopted };
  }
  const record = validate.object(options, 'options');
  const { name, observer } = parseLockOptions(
    { observer: record['observer'], name: adopted.name },
    kind,
  );
  return { kind, name, observer, options: record, buffer: adopted.buffer, adopted };
}

/**
 * `SharedX.from(handle, options)`: checks that the handle is a `kind` whose buffer has the size
 * its own layout says (`wordsAfterHeader` reads that layout), then builds the primitive on it.
 */
export function adoptShared<K extends SharedKind, T>(
  kind: K,
  handle: unknown,
  wordsAfterHeader: (cells: Int32Array) => number,
  build: () => T,
): T {
  const valid = validateHandle(handle, kind);
  checkBufferSize(valid, (HEADER_WORDS + wordsAfterHeader(new Int32Array(valid.buffer))) * 4);
  adopting = valid;
  try {
    return build();
  } finally {
    adopting = undefined;
  }
}

/** A waiting thread as a shared primitive records it. */
export interface SharedWaiter {
  /** THREAD_TAG of the waiter; 0 for a group (`threads`). */
  readonly thread: number;
  /** Stamp of its arrival; of the oldest one's for a group. */
  readonly since: number;
  readonly mode?: number;
  /** Set for a group of threads counted but not named (see WaiterInfo.threads): how many. */
  readonly threads?: number;
}

/** How a report names a group of counted waiters (only SharedMutex's window has them). */
function groupLabel(threads: number): string {
  return `${threads} ${threads === 1 ? 'thread' : 'threads'} waiting for a ticket`;
}

/**
 * What every cross-thread primitive is made of: a handle to post to other threads, Int32 cells
 * over its SharedArrayBuffer, the buffer's clock, this thread's instrumentation, and the
 * snapshot and report built from counters and recorded waiters.
 */
export abstract class SharedPrimitive<
  K extends SharedKind,
  H extends SharedHandle<K> = SharedHandle<K>,
> implements Inspectable {
  readonly name: string;
  readonly kind: K;
  /** Plain data to `postMessage` to another thread, which rebuilds with `from(handle)`. */
  readonly handle: H;
  protected readonly cells: Int32Array;
  protected readonly clock: SharedClock;
  protected readonly instrument: LockInstrument;

  protected constructor(opened: OpenedShared<K>, handleExtras?: Omit<H, keyof SharedHandle>) {
    const { kind, name, buffer } = opened;
    this.name = name;
    this.kind = kind;
    this.handle = Object.freeze({ kind, name, buffer, ...handleExtras }) as H;
    this.cells = new Int32Array(buffer);
    this.clock = new SharedClock(buffer);
    this.instrument = new LockInstrument(name, kind, opened.observer);
  }

  abstract get stats(): LockStats;

  abstract inspect(): LockInspection;

  /** A stats snapshot from shared counters and the waiters recorded now (racy, for reports). */
  protected snapshot(
    holders: number,
    counts: TallyCounts,
    waiters: readonly SharedWaiter[],
  ): LockStats {
    const now = this.clock.now();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders,
      waiters: waiters.reduce((sum, w) => sum + (w.threads ?? 1), 0),
      ...counts,
      oldestWaiterMs: waiters.reduce((age, w) => Math.max(age, this.clock.ageMs(w.since, now)), 0),
    });
  }

  /** `now`: the clock reading the holders' ages were taken at (see `SharedClock.ageMs`). */
  protected inspection(
    holders: HolderInfo[],
    waiters: readonly SharedWaiter[],
    modeName?: (mode: number) => string,
    now = this.clock.now(),
  ): LockInspection {
    return {
      name: this.name,
      kind: this.kind,
      holders,
      waiters: waiters.map((waiter): WaiterInfo => {
        const waitedMs = this.clock.ageMs(waiter.since, now);
        if (waiter.threads !== undefined) {
          return { id: groupLabel(waiter.threads), waitedMs, threads: waiter.threads };
        }
        const info = { id: threadLabel(waiter.thread), waitedMs };
        return modeName === undefined ? info : { ...info, mode: modeName(waiter.mode ?? 0) };
      }),
    };
  }
}
