/**
 * What the cluster model costs over bare node:cluster, one run, as ratios to the anchor measured
 * in the same run (shared 2-core machines are noisy; a ratio survives that, an absolute does not):
 *
 * - anchor: bare node:cluster forking bare express 5 workers (bench/bare-cluster.cts, its
 *   workers the kit bench's anchor, libs/service-kit/bench/bare-express.cts);
 * - node:cluster forking async-service: the kit's per-request cost, no cluster runtime;
 * - cluster-service: the kit and our ClusterPrimary (restarts, metrics gathered over IPC, the
 *   counter held in the primary).
 *
 * The second row apart from the third says how much is the kit and how much the runtime. Both
 * kit rows run with admission control off: on a machine shared with the load generator it sheds
 * now and then (seen: 481 of 5,347 requests in one 3 s fib run), and this compares the cost of
 * serving, not of shedding. Loads:
 * `/cpu/fib?n=25` (CPU on both workers) and `/io/sleep?ms=20` (the per-request path). Each round
 * runs every server on a load in a rotated order; the median of the rounds' ratios counts.
 *
 *   node bench/cluster.bench.mts     (after `npm run build`; BENCH_SECONDS, BENCH_ROUNDS, WORKERS)
 */
import autocannon from 'autocannon';
import { median } from '@concurrency-lab/report-kit';
import { ADMISSION_OFF, appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { fileURLToPath } from 'node:url';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const workers = process.env['WORKERS'] ?? '2';
const bareCluster = fileURLToPath(new URL('./bare-cluster.cts', import.meta.url));

interface Load {
  name: string;
  path: string;
  connections: number;
}

const LOADS: Load[] = [
  { name: 'fib(25)', path: '/cpu/fib?n=25', connections: 8 },
  { name: 'sleep(20 ms)', path: '/io/sleep?ms=20', connections: 100 },
];

interface Server {
  name: string;
  start(): Promise<ServiceProcess>;
}

const SERVERS: Server[] = [
  {
    name: 'node:cluster × bare express (anchor)',
    start: () => launch(bareCluster, { name: 'bare-cluster', env: { WORKERS: workers } }),
  },
  {
    name: 'node:cluster × async-service',
    start: () =>
      launch(bareCluster, {
        name: 'cluster-of-kit',
        env: { ...ADMISSION_OFF, WORKERS: workers, BARE_WORKER_ENTRY: appEntry('async-service') },
      }),
  },
  {
    name: 'cluster-service',
    start: () =>
      launch(appEntry('cluster-service'), {
        name: 'cluster-service',
        env: { ...ADMISSION_OFF, WORKERS: workers },
      }),
  },
];

interface Run {
  rps: number;
  p99: number;
  failed: number;
}

async function load(url: string, connections: number, duration: number): Promise<Run> {
  const r = await autocannon({ url, connections, duration, timeout: 30 });
  return { rps: r.requests.average, p99: r.latency.p99, failed: r.errors + r.timeouts + r.non2xx };
}

const started: ServiceProcess[] = [];
try {
  for (const server of SERVERS) started.push(await server.start());
  const rows: Record<string, string | number>[] = [];
  for (const { name, path, connections } of LOADS) {
    // One warm-up second per server (JIT, connections), left out of the figures.
    for (const service of started) await load(service.url + path, connections, 1);
    // runs[round][server]: a round runs every server, starting one further along each time.
    const runs: Run[][] = [];
    for (let round = 0; round < rounds; round++) {
      const row: Run[] = [];
      for (let k = 0; k < started.length; k++) {
        const i = (round + k) % started.length;
        row[i] = await load(`${started[i]?.url}${path}`, connections, seconds);
      }
      runs.push(row);
    }
    SERVERS.forEach((server, i) => {
      const mine = runs.map((row) => row[i] as Run);
      rows.push({
        load: name,
        server: server.name,
        'req/s': Math.round(median(mine.map((r) => r.rps))),
        'p99 ms': median(mine.map((r) => r.p99)),
        failed: mine.reduce((sum, r) => sum + r.failed, 0),
        'req/s ÷ anchor': `${median(runs.map((row) => (row[i] as Run).rps / (row[0] as Run).rps)).toFixed(2)}×`,
      });
    });
  }
  console.log(
    `cluster model vs bare node:cluster, Node ${process.version}, WORKERS=${workers}, ` +
      `${rounds} rounds × ${seconds} s, medians`,
  );
  console.table(rows);
} finally {
  await Promise.all(started.map((service) => service.stop()));
}
