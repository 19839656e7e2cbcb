/**
 * What the hybrid model costs over hand-written processes × threads, one run, as ratios to the
 * anchor measured in the same run (launcher's `sideBySide`):
 *
 * - anchor: bare node:cluster forking `WORKERS` bare express 5 workers whose CPU routes run on a
 *   bare piscina of `HYBRID_THREADS` threads each (apps/cluster-service/bench/bare-cluster.cts
 *   over libs/service-kit/bench/bare-express.cts with `BARE_POOL=piscina`);
 * - hybrid-service: the kit, our cluster primary (restarts, metrics over IPC, the counter) and a
 *   ThreadPoolRunner in each worker, admission control off (launcher's `appServer` says why).
 *
 * Loads: `/cpu/fib?n=25` (every pool thread busy) and `/cpu/fib?n=1` (the hop to a thread and
 * back is most of the request).
 *
 *   node bench/hybrid.bench.mts    (after `npm run build`; BENCH_SECONDS, BENCH_ROUNDS, WORKERS,
 *                                   HYBRID_THREADS — default: the CPUs shared out, as the model's)
 */
import * as bench from '@concurrency-lab/launcher/bench';
import { availableParallelism } from 'node:os';

const { workers } = bench.settings();
// The model's own default: the CPUs shared out over the processes.
const threads =
  process.env['HYBRID_THREADS'] ??
  String(Math.max(1, Math.floor(availableParallelism() / Number(workers))));
const rows = await bench.sideBySide({
  servers: [
    bench.entryServer(
      'node:cluster × bare express × bare piscina (anchor)',
      bench.ANCHORS.bareCluster,
      {
        WORKERS: workers,
        BARE_POOL: 'piscina',
        BARE_POOL_SIZE: threads,
      },
    ),
    bench.appServer('hybrid-service', { WORKERS: workers, HYBRID_THREADS: threads }),
  ],
  loads: bench.POOL_LOADS,
});
bench.printSideBySide(
  `hybrid model vs node:cluster × bare piscina, WORKERS=${workers}, HYBRID_THREADS=${threads}`,
  rows,
);
