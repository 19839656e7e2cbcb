import { ADMISSION_OFF, appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import type { OtlpReceiver } from '@concurrency-lab/telemetry';
import { otlpReceiverFixture } from '@concurrency-lab/telemetry/testing';

/** What {@link tracedCluster} gives the tests of its describe block. */
export interface TracedCluster {
  /** The real OTLP/HTTP receiver, every span exported so far in `spans`. */
  readonly receiver: Omit<OtlpReceiver, 'close'>;
  /** Starts the cluster service (2 workers) exporting its traces to the receiver. */
  launch(): Promise<ServiceProcess>;
}

/**
 * The fixture of the cluster's tracing tests: a receiver started before the describe block's
 * tests and closed after them, and the service launched with its endpoint — real processes
 * exporting over a real socket.
 */
export function tracedCluster(): TracedCluster {
  const receiver = otlpReceiverFixture({ per: 'describe' });
  return {
    receiver,
    launch: () =>
      launch(appEntry('cluster-service'), {
        env: { WORKERS: '2', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ADMISSION_OFF },
      }),
  };
}
