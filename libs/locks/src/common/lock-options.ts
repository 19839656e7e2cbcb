import { OBSERVER_EXPECTED, type LockObserver } from './lock-observer';
import type { LockKind } from './lock-stats';
import { validate } from './validate';

/** Options every primitive takes. */
export interface LockOptions {
  /**
   * Label for metrics (`lab_lock_wait_seconds{lock}`), deadlock errors and watchdog reports.
   * @default `${kind}#${n}`, e.g. "Mutex#3"
   * @example { name: 'counter' }
   */
  readonly name?: string;
  /** This lock's own instrumentation hook, in addition to those of {@link observeLocks}. */
  readonly observer?: LockObserver;
}

const lastIds = new Map<string, number>();

function defaultName(kind: LockKind): string {
  const id = (lastIds.get(kind) ?? 0) + 1;
  lastIds.set(kind, id);
  return `${kind}#${id}`;
}

export interface ParsedLockOptions {
  readonly name: string;
  readonly observer: LockObserver | undefined;
  /** The validated options object, for the primitive's own fields. */
  readonly record: Record<string, unknown>;
}

export function parseLockOptions(options: unknown, kind: LockKind): ParsedLockOptions {
  const record = validate.object(options, 'options');
  const observer = validate.optionalObject(record['observer'], 'observer', OBSERVER_EXPECTED);
  return {
    name: record['name'] === undefined ? defaultName(kind) : validate.name(record['name'], kind),
    observer: observer,
    record,
  };
}
