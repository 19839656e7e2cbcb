/**
 * What tracing costs: throughput of `/cpu/fib?n=1` and `/io/sleep?ms=0` on async-service with
 * tracing on (exporting over OTLP/HTTP to a local receiver) against tracing off, same run,
 * printed as ratios. Target: ≤ 10% throughput cost.
 *
 *   node bench/tracing.bench.mts        (after `npm run build`)
 */
import autocannon from 'autocannon';
import { appEntry, launch } from '@concurrency-lab/launcher';
import { startOtlpReceiver } from '@concurrency-lab/telemetry';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const routes = ['/cpu/fib?n=1', '/io/sleep?ms=0'];
const receiver = await startOtlpReceiver();

async function measure(env: Record<string, string>): Promise<number[]> {
  const service = await launch(appEntry('async-service'), { env });
  try {
    const out: number[] = [];
    for (const route of routes) {
      await autocannon({ url: service.url + route, connections: 32, duration: 1 }); // warm-up
      const r = await autocannon({ url: service.url + route, connections: 32, duration: seconds });
      out.push(r.requests.average);
    }
    return out;
  } finally {
    await service.stop();
  }
}

try {
  // Alternate off/on twice so drift on a shared machine does not favour either.
  const off1 = await measure({});
  const on1 = await measure({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  const on2 = await measure({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  const off2 = await measure({});
  console.log(
    `tracing cost on async-service, ${seconds} s per route, Node ${process.version}; spans received: ${receiver.spans.length}`,
  );
  console.table(
    routes.map((route, i) => {
      const off = ((off1[i] ?? 0) + (off2[i] ?? 0)) / 2;
      const on = ((on1[i] ?? 0) + (on2[i] ?? 0)) / 2;
      return {
        route,
        'req/s off': Math.round(off),
        'req/s on': Math.round(on),
        'on vs off': `${(on / off).toFixed(3)}×`,
      };
    }),
  );
} finally {
  await receiver.close();
}
