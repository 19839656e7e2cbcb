/**
 * A cluster worker process: the same app as every model, CPU work inline on this process's
 * event loop, the counter and the model-wide `/metrics` reached through the primary over IPC.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { InlineRunner, runService } from '@concurrency-lab/service-kit';
import {
  IpcCounter,
  RPC,
  RpcEndpoint,
  serveCounterShare,
  type ClusterNotice,
  type IpcPort,
} from '@concurrency-lab/cluster-runtime';

if (!process.send) throw new Error('cluster-service/worker.js runs only as a cluster worker');

const rpc = new RpcEndpoint(process as unknown as IpcPort);
serveCounterShare(rpc);

void runService({
  model: 'cluster',
  listeningMessage: 'worker listening',
  tracing,
  createRuntime: (config, _logger, metrics) => {
    rpc.handle(RPC.metricsCollect, () => metrics.registry.getMetricsAsJSON());
    return {
      runner: new InlineRunner(),
      counter: new IpcCounter(rpc, config.requestTimeoutMs),
      workers: config.workers,
      metricsProvider: () =>
        rpc.call<{ contentType: string; body: string }>(RPC.metricsAggregate, undefined, {
          timeoutMs: 5000,
        }),
    };
  },
}).then((service) => {
  const address = service.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ kind: 'ready', port } satisfies ClusterNotice);
  process.on('message', (message: ClusterNotice) => {
    if (message?.kind === 'shutdown') service.stop('primary asked');
  });
  // The primary is gone: nobody will route to us or hold the counter; drain and leave.
  process.once('disconnect', () => service.stop('primary disconnected'));
});
