/**
 * A cluster worker process: the same app as every model, CPU work inline on this process's
 * event loop, the counter and the model-wide `/metrics` reached through the primary over IPC.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { InlineRunner, MODEL_PORTS, runService } from '@concurrency-lab/service-kit';
import { RPC, type ClusterNotice, type MetricsAggregateParams } from './counter-protocol';
import { IpcCounter, serveCounterShare } from './ipc-counter';
import { RpcEndpoint, type IpcPort } from './rpc-endpoint';

if (!process.send) throw new Error('cluster-service/worker.js runs only as a cluster worker');

const rpc = new RpcEndpoint(process as unknown as IpcPort);
serveCounterShare(rpc);

void runService({
  model: 'cluster',
  defaultPort: MODEL_PORTS.cluster,
  listeningMessage: 'worker listening',
  tracing,
  createRuntime: (config, _logger, metrics) => {
    rpc.handle(RPC.metricsCollect, () => metrics.registry.getMetricsAsJSON());
    return {
      runner: new InlineRunner(),
      counter: new IpcCounter(rpc, config.requestTimeoutMs),
      workers: config.workers,
      metricsProvider: (accept) =>
        rpc.call<{ contentType: string; body: string }>(
          RPC.metricsAggregate,
          { accept } satisfies MetricsAggregateParams,
          { timeoutMs: 5000 },
        ),
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
