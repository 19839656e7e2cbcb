import type { QueueObserver } from './queue-observer';
import { validate } from './validate';

/** The part of a prom-client `Gauge` the observer uses (prom-client's type fits as is). */
export interface GaugeLike {
  set(labels: Record<string, string>, value: number): void;
}

/** The part of a prom-client `Histogram` the observer uses. */
export interface HistogramLike {
  observe(labels: Record<string, string>, value: number): void;
}

export interface QueueMetrics {
  /** The contract's `lab_queue_size{queue}` gauge. */
  size: GaugeLike;
  /** The contract's `lab_queue_wait_seconds{queue}` histogram (observed in seconds). */
  waitSeconds: HistogramLike;
  /**
   * Labels added to every observation besides `queue`, e.g. `{ model: 'async' }`; a `queue` key
   * is refused (`ERR_QUEUE_INVALID_ARGUMENT`): that label is the queue's name. @default {}
   */
  labels?: Record<string, string>;
}

/**
 * Feeds a queue's events into the contract's `lab_queue_*` metrics:
 *
 * @example
 * const queue = new WorkQueue({ name: 'scrape', concurrency: 8, maxQueue: 100,
 *   observer: queueMetricsObserver({ size: labQueueSize, waitSeconds: labQueueWaitSeconds }) });
 *
 * The gauge is set from every event's `size`, so it is exact after each change; the histogram
 * gets one observation per item served (discarded items are counted by the caller that
 * cancelled them, not as a wait).
 */
export function queueMetricsObserver(metrics: QueueMetrics): QueueObserver {
  validate.requiredOptions(metrics, '{ size: gauge, waitSeconds: histogram }');
  if (typeof (metrics.size as Partial<GaugeLike> | null)?.set !== 'function') {
    validate.fail('size', 'a Gauge (an object with set())', metrics.size);
  }
  if (typeof (metrics.waitSeconds as Partial<HistogramLike> | null)?.observe !== 'function') {
    validate.fail('waitSeconds', 'a Histogram (an object with observe())', metrics.waitSeconds);
  }
  const extra = validate.object(metrics.labels, 'labels') as Record<string, string>;
  // `queue` is the queue's own name, set from each event. Taken from `labels` it would put every
  // queue under one series (or be silently dropped): refused, so the mistake shows at setup.
  if (Object.hasOwn(extra, 'queue')) {
    validate.fail(
      'labels.queue',
      "absent (each event's queue name is the `queue` label)",
      extra['queue'],
    );
  }
  const labelsByQueue = new Map<string, Record<string, string>>();
  const labelsOf = (queue: string): Record<string, string> => {
    let labels = labelsByQueue.get(queue);
    if (labels === undefined) {
      labels = { ...extra, queue };
      labelsByQueue.set(queue, labels);
    }
    return labels;
  };
  return {
    onEnqueue: ({ queue, size }) => metrics.size.set(labelsOf(queue), size),
    onDequeue: ({ queue, size, waitMs }) => {
      const labels = labelsOf(queue);
      metrics.size.set(labels, size);
      metrics.waitSeconds.observe(labels, waitMs / 1000);
    },
    onDiscard: ({ queue, size }) => metrics.size.set(labelsOf(queue), size),
  };
}
