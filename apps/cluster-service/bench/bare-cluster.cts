/**
 * The cluster benchmark's anchor: bare node:cluster, as its documentation's example writes it —
 * a primary forks `WORKERS` copies of one entry and shares their port, and nothing else: no
 * restart of a dead worker, no metrics gathered from the workers, no counter held for them, no
 * drain beyond passing SIGTERM on.
 *
 *   WORKERS=2 node bench/bare-cluster.cts       (PORT=0 → one free port for all workers)
 *   BARE_WORKER_ENTRY=<file> …                   (another worker entry, e.g. a built service)
 *
 * The primary logs `{"msg":"listening","port":…}` once every worker listens: the launcher's
 * readiness line. The workers' own output is piped and dropped, so a worker's `listening` line
 * cannot be taken for the primary's.
 */
const cluster: typeof import('node:cluster').default = require('node:cluster');
const path: typeof import('node:path') = require('node:path');

const workers = Number(process.env['WORKERS'] ?? 2);
// The kit benchmark's anchor (bare express 5, the kit's route shapes and nothing else): one bare
// express in the tree, measured against by both benchmarks.
const entry =
  process.env['BARE_WORKER_ENTRY'] ??
  path.join(__dirname, '..', '..', '..', 'libs', 'service-kit', 'bench', 'bare-express.cts');

cluster.setupPrimary({ exec: entry, silent: true });
let listening = 0;
cluster.on('listening', (_worker, address) => {
  if (++listening === workers) {
    process.stdout.write(`${JSON.stringify({ msg: 'listening', port: address.port })}\n`);
  }
});
for (let i = 0; i < workers; i++) {
  const worker = cluster.fork();
  worker.process.stdout?.resume();
  worker.process.stderr?.resume();
}

process.once('SIGTERM', () => {
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  cluster.disconnect(() => process.exit(0));
});
