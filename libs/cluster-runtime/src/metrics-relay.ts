import { AggregatorRegistry, type Registry, type RegistryContentType } from 'prom-client';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;
import { RPC } from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/** A worker that has not answered by then is left out of this scrape (logged, never fatal). */
export const COLLECT_TIMEOUT_MS = 1000;

/**
 * `/metrics` for the whole model: the worker that got the scrape asks the primary, which asks
 * every worker for its registry as JSON (in parallel, each with a timeout), adds its own, and
 * sums them with prom-client's AggregatorRegistry. A slow or dead worker costs the scrape one
 * timeout and its own series, never the scrape itself.
 */
export async function aggregateMetrics(
  own: Registry<RegistryContentType>,
  workers: RpcEndpoint[],
  onMissing: (error: unknown) => void,
): Promise<{ contentType: string; body: string }> {
  const replies = await Promise.allSettled(
    workers.map((rpc) =>
      rpc.call<MetricsJson>(RPC.metricsCollect, undefined, { timeoutMs: COLLECT_TIMEOUT_MS }),
    ),
  );
  const collected: MetricsJson[] = [await own.getMetricsAsJSON()];
  for (const reply of replies) {
    if (reply.status === 'fulfilled') collected.push(reply.value);
    else onMissing(reply.reason);
  }
  const aggregated = AggregatorRegistry.aggregate(collected);
  return { contentType: aggregated.contentType, body: await aggregated.metrics() };
}
