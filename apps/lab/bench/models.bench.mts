/**
 * Every model of the registry side by side, one run, figures as ratios against async measured in
 * the same run (shared 2-core machines are noisy; a ratio survives that, an absolute does not):
 *
 * - `/cpu/fib?n=30` throughput of every other model relative to async, WORKERS=2 — on 2 cores
 *   2× is the ceiling;
 * - `/io/sleep?ms=50` at 500 connections: throughput, p99 and RSS (summed over the model's
 *   processes, read from its own /metrics).
 *
 *   node bench/models.bench.mts        (after `npm run build`; BENCH_SECONDS=10 for longer runs)
 */
import autocannon from 'autocannon';
import { Fleet, type ServiceProcess } from '@concurrency-lab/launcher';
import { MODEL_NAMES } from '@concurrency-lab/models';
import { recordTable } from '@concurrency-lab/report-kit';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const workers = process.env['BENCH_WORKERS'] ?? '2';

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, connections: number, duration: number): Promise<Run> {
  const r = await autocannon({ url, connections, duration, timeout: 30 });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

async function rssBytes(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const match = /^process_resident_memory_bytes\{[^}]*\} ([\d.e+]+)$/m.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

const rows: Array<Record<string, string | number>> = [];
const results = new Map<string, { cpu: Run; io: Run; rss: number }>();
// One model at a time (the models would compete for the same cores), no upstream needed.
for (const model of MODEL_NAMES) {
  const fleet = await Fleet.start({
    models: [model],
    upstream: false,
    modelEnv: { WORKERS: workers, MAX_QUEUE: '2000' },
  });
  try {
    const service = fleet.service(model);
    // Warm-up, left out of the figures: JIT, pool threads, connections.
    await load(`${service.url}/cpu/fib?n=25`, 4, 1);
    const cpu = await load(`${service.url}/cpu/fib?n=30`, 8, seconds);
    await load(`${service.url}/io/sleep?ms=50`, 500, 1);
    const io = await load(`${service.url}/io/sleep?ms=50`, 500, seconds);
    results.set(model, { cpu, io, rss: await rssBytes(service) });
  } finally {
    await fleet.stop();
  }
}

const base = results.get('async');
for (const [model, r] of results) {
  rows.push({
    model,
    'fib(30) req/s': r.cpu.rps.toFixed(1),
    'fib(30) vs async': `${(r.cpu.rps / (base?.cpu.rps ?? NaN)).toFixed(2)}×`,
    'fib(30) p99 ms': r.cpu.p99,
    'sleep(50) req/s @500': Math.round(r.io.rps),
    'sleep vs async': `${(r.io.rps / (base?.io.rps ?? NaN)).toFixed(2)}×`,
    'sleep p99 ms': r.io.p99,
    'p99 vs async': `${(r.io.p99 / (base?.io.p99 ?? NaN)).toFixed(2)}×`,
    'RSS MiB': (r.rss / 2 ** 20).toFixed(1),
    'RSS vs async': `${(r.rss / (base?.rss ?? NaN)).toFixed(2)}×`,
    'errors/non-2xx': `${r.cpu.errors + r.io.errors}/${r.cpu.non2xx + r.io.non2xx}`,
  });
}
console.log(
  `models side by side: WORKERS=${workers}, ${seconds} s per load, Node ${process.version}`,
);
// Plain text (report-kit's recordTable), not console.table: Nx sets FORCE_COLOR for every task,
// and console.table then colours its cells even in a file.
console.log(recordTable(rows));
