/**
 * What the threads model costs over a hand-written server on the same pool, one run, as ratios
 * to the anchor measured in the same run (launcher's `sideBySide`):
 *
 * - anchor: bare express 5 whose CPU routes run on bare piscina, `WORKERS` threads
 *   (libs/service-kit/bench/bare-express.cts with `BARE_POOL=piscina`);
 * - threads-service: the kit and our ThreadPoolRunner (bounded queue, per-task timings and trace
 *   context, answered errors, the shared counter), admission control off (launcher's
 *   `appServer` says why).
 *
 * Loads: `/cpu/fib?n=25` (the pool's threads busy) and `/cpu/fib?n=1` (the hop to a thread and
 * back is most of the request).
 *
 *   node bench/threads.bench.mts     (after `npm run build`; BENCH_SECONDS, BENCH_ROUNDS, WORKERS)
 */
import * as bench from '@concurrency-lab/launcher/bench';

const { workers } = bench.settings();
const rows = await bench.sideBySide({
  servers: [
    bench.entryServer('bare express × bare piscina (anchor)', bench.ANCHORS.bareExpress, {
      BARE_POOL: 'piscina',
      BARE_POOL_SIZE: workers,
    }),
    bench.appServer('threads-service', { WORKERS: workers }),
  ],
  loads: bench.POOL_LOADS,
});
bench.printSideBySide(`threads model vs bare express × bare piscina, WORKERS=${workers}`, rows);
