/**
 * What the process-pool model costs over a hand-written server on a bare process pool, one run,
 * as ratios to the anchor measured in the same run (launcher's `sideBySide`):
 *
 * - anchor: bare express 5 whose CPU routes run on tinypool's `runtime: 'child_process'`,
 *   `WORKERS` processes, v8 serialization (libs/service-kit/bench/bare-express.cts with
 *   `BARE_POOL=tinypool-process`);
 * - procpool-service: the kit and our ProcessPoolExecutor (bounded queue, per-task timings and
 *   trace context, answered errors, a child's death confined to its task), admission control
 *   off (launcher's `appServer` says why).
 *
 * Loads: `/cpu/fib?n=25` (the pool's processes busy) and `/cpu/fib?n=1` (the round trip to a
 * child process is most of the request). Not covered: `/counter/increment`, whose shares reach
 * the counter's manager over a Unix socket — no bare server does that for an anchor.
 *
 *   node bench/procpool.bench.mts    (after `npm run build`; BENCH_SECONDS, BENCH_ROUNDS, WORKERS)
 */
import * as bench from '@concurrency-lab/launcher/bench';

const { workers } = bench.settings();
const rows = await bench.sideBySide({
  servers: [
    bench.entryServer(
      'bare express × bare tinypool child_process (anchor)',
      bench.ANCHORS.bareExpress,
      {
        BARE_POOL: 'tinypool-process',
        BARE_POOL_SIZE: workers,
      },
    ),
    bench.appServer('procpool-service', { WORKERS: workers }),
  ],
  loads: bench.POOL_LOADS,
});
bench.printSideBySide(
  `process-pool model vs bare express × bare tinypool, WORKERS=${workers}`,
  rows,
);
