import { QueueObserverError } from './errors';

/** What every queue event carries. */
export interface QueueEvent {
  /** The queue's `name`: the `queue` label of `lab_queue_size` / `lab_queue_wait_seconds`. */
  readonly queue: string;
  /** Items in the buffer after the event (the value of the `lab_queue_size` gauge). */
  readonly size: number;
}

/** An item left the buffer. */
export interface QueueWaitEvent extends QueueEvent {
  /**
   * How long the item sat in the buffer, in milliseconds (0 when handed straight to a waiting
   * consumer).
   */
  readonly waitMs: number;
}

/**
 * The instrumentation hook. Every member is optional and called synchronously, after the
 * queue's state is consistent again. Telemetry implements it (see `queueMetricsObserver`), so
 * this lib depends on neither prom-client nor OpenTelemetry. An observer that throws is a bug
 * in the observer, not in the queue: the queue carries on, and the first error of each
 * observer becomes a process warning (`ERR_QUEUE_OBSERVER_FAILED`, the error as `cause`) —
 * visible, but a metrics bug never takes a service down.
 *
 * Every item produces one `onEnqueue` and then exactly one `onDequeue` or `onDiscard`.
 */
export interface QueueObserver {
  /** An item entered the buffer (or was handed straight to a waiting consumer). */
  onEnqueue?(event: QueueEvent): void;
  /** An item was taken by a consumer, or a work queue started a job. */
  onDequeue?(event: QueueWaitEvent): void;
  /**
   * An item left unserved: cancelled while queued, or dropped by `shutdown({ immediate: true })`.
   */
  onDiscard?(event: QueueWaitEvent): void;
}

const reported = new WeakSet<QueueObserver>();

/** Calls one observer member; its exceptions never unwind into the queue. */
export function notifyObserver<E>(
  observer: QueueObserver | undefined,
  member: 'onEnqueue' | 'onDequeue' | 'onDiscard',
  event: E,
): void {
  /* eslint-disable-next-line @typescript-eslint/unbound-method --
     called with `this` = observer below */
  const handler = observer?.[member] as ((event: E) => void) | undefined;
  if (handler === undefined) return;
  try {
    handler.call(observer, event);
  } catch (error) {
    if (observer === undefined || reported.has(observer)) return;
    reported.add(observer);
    // Passed as parts, not as the Error: emitWarning checks `instanceof Error` against its own
    // realm, which an error built in another vm context (jest's) fails.
    const warning = new QueueObserverError(undefined, { cause: error });
    process.emitWarning(warning.message, {
      type: warning.name,
      code: warning.code,
      detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}
