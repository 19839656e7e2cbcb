/**
 * async-service benchmark: requests/s and p99 for `/cpu/fib?n=20` and `/io/sleep?ms=20` at a
 * fixed concurrency, each printed as a ratio against `/healthz` (the cost of the HTTP stack
 * alone) measured in the same run — absolute numbers on a shared 2-core machine say little,
 * ratios measured side by side say more.
 *
 *   node bench/async-service.bench.mts            (after `npm run build`)
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 node bench/async-service.bench.mts
 */
import autocannon from 'autocannon';
import { appEntry, launch } from '@concurrency-lab/launcher';
import { recordTable } from '@concurrency-lab/report-kit';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

interface Figure {
  path: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(base: string, path: string): Promise<Figure> {
  // One warm-up second left out of the figures (JIT, connection setup).
  await autocannon({ url: base + path, connections, duration: 1 });
  const r = await autocannon({ url: base + path, connections, duration: seconds });
  return {
    path,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

const service = await launch(appEntry('async-service'), {});
try {
  const baseline = await measure(service.url, '/healthz');
  const figures = [
    baseline,
    await measure(service.url, '/cpu/fib?n=20'),
    await measure(service.url, '/io/sleep?ms=20'),
  ];
  console.log(
    `async-service, ${connections} connections, ${seconds} s per route, Node ${process.version}`,
  );
  // Plain text, not console.table: that colours its cells whenever FORCE_COLOR is set, which Nx
  // sets for every task, so `nx run async-service:bench > file` filled the file with escapes.
  console.log(
    recordTable(
      figures.map((f) => ({
        route: f.path,
        'req/s': Math.round(f.rps),
        'p50 ms': f.p50,
        'p99 ms': f.p99,
        'req/s vs /healthz': `${(f.rps / baseline.rps).toFixed(3)}×`,
        'p99 vs /healthz': `${(f.p99 / Math.max(baseline.p99, 1)).toFixed(2)}×`,
        'non-2xx': f.non2xx,
        errors: f.errors,
      })),
    ),
  );
} finally {
  await service.stop();
}
