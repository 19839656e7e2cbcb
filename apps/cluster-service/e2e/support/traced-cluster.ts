import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { startOtlpReceiver, type OtlpReceiver } from '@concurrency-lab/telemetry';

/** What {@link tracedCluster} gives the tests of its describe block. */
export interface TracedCluster {
  /** The real OTLP/HTTP receiver, every span exported so far in `spans`. */
  readonly receiver: OtlpReceiver;
  /** Starts the cluster service (2 workers) exporting its traces to the receiver. */
  launch(): Promise<ServiceProcess>;
}

/**
 * The fixture of the cluster's tracing tests: a receiver started before the describe block's
 * tests and closed after them, and the service launched with its endpoint — real processes
 * exporting over a real socket.
 */
export function tracedCluster(): TracedCluster {
  let receiver: OtlpReceiver | undefined;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());
  const started = (): OtlpReceiver => {
    if (!receiver) throw new Error('tracedCluster() is read outside the tests of its describe');
    return receiver;
  };
  return {
    get receiver() {
      return started();
    },
    launch: () =>
      launch(appEntry('cluster-service'), {
        env: { WORKERS: '2', OTEL_EXPORTER_OTLP_ENDPOINT: started().url },
      }),
  };
}
