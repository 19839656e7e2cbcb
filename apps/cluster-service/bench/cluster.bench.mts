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
 * kit rows run with admission control off (launcher's `appServer` says why). Loads:
 * `/cpu/fib?n=25` (CPU on both workers) and `/io/sleep?ms=20` (the per-request path). Each round
 * runs every server on a load in a rotated order; the median of the rounds' ratios counts
 * (launcher's `sideBySide`).
 *
 *   node bench/cluster.bench.mts     (after `npm run build`; BENCH_SECONDS, BENCH_ROUNDS, WORKERS)
 */
import { ADMISSION_OFF, appEntry } from '@concurrency-lab/launcher';
import * as bench from '@concurrency-lab/launcher/bench';

const { workers } = bench.settings();
const rows = await bench.sideBySide({
  servers: [
    bench.entryServer('node:cluster × bare express (anchor)', bench.ANCHORS.bareCluster, {
      WORKERS: workers,
    }),
    bench.entryServer('node:cluster × async-service', bench.ANCHORS.bareCluster, {
      ...ADMISSION_OFF,
      WORKERS: workers,
      BARE_WORKER_ENTRY: appEntry('async-service'),
    }),
    bench.appServer('cluster-service', { WORKERS: workers }),
  ],
  loads: [
    { name: 'fib(25)', path: '/cpu/fib?n=25', connections: 8 },
    { name: 'sleep(20 ms)', path: '/io/sleep?ms=20', connections: 100 },
  ],
});
bench.printSideBySide(`cluster model vs bare node:cluster, WORKERS=${workers}`, rows);
