import { observeLocks, type ObserverRegistration } from '@concurrency-lab/locks';
import { trace } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';

/**
 * A wait at least this long also becomes a span event, so a slow trace shows what it waited for.
 */
export const WAIT_EVENT_THRESHOLD_MS = 10;

export interface LockMetrics {
  lockWaitSeconds: Histogram<'lock'>;
  lockHoldSeconds: Histogram<'lock'>;
}

/**
 * Feeds every lock of this thread (the locks lib's global hook) into `lab_lock_wait_seconds` and
 * `lab_lock_hold_seconds`, and marks long waits on the active span. Returns the registration so
 * a service can stop observing when it shuts down.
 */
export function observeLockMetrics(metrics: LockMetrics): ObserverRegistration {
  return observeLocks({
    onAcquire: (lock, waitMs) => {
      metrics.lockWaitSeconds.observe({ lock: lock.name }, waitMs / 1000);
      if (waitMs >= WAIT_EVENT_THRESHOLD_MS) {
        trace
          .getActiveSpan()
          ?.addEvent('lock.wait', { 'lock.name': lock.name, 'lock.wait_ms': waitMs });
      }
    },
    onRelease: (lock, holdMs) =>
      metrics.lockHoldSeconds.observe({ lock: lock.name }, holdMs / 1000),
  });
}
