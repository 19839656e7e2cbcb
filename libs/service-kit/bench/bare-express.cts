/**
 * The kit benchmark's anchor: bare express 5 serving the kit's hot route shapes
 * (`GET /io/sleep?ms=`, `GET /cpu/fib?n=` with the same JSON answer shape,
 * `POST /image/filter?filter=` the way an express user would write it: `express.raw`, then
 * decode → filter → encode inline, answering the PNG, and `GET /io/scrape?pages=`: every page of
 * `UPSTREAM_URL` fetched at once with `Promise.all`, each `<title>` extracted, the same JSON
 * answer shape) — and nothing else: no validation, bounds, per-page timeout or error answers,
 * deadline, metrics, headers or error mapping, and the same express settings as the kit.
 * Everything the kit adds is measured against this.
 *
 * With `BARE_POOL` it is the pool models' anchor: `/cpu/fib` and `/image/filter` run their work
 * in a pool of `BARE_POOL_SIZE` (default 2), handed over as a hand-written server would
 * (`pool.run(task)`, copied both ways, bare-pool-task.cjs) and nothing else — `piscina`: worker
 * threads (threads-service's anchor, and hybrid's under bare-cluster.cts); `tinypool-process`:
 * tinypool's `runtime: 'child_process'` (procpool-service's anchor).
 *
 * CommonJS on purpose: OpenTelemetry's auto-instrumentations patch `require` (the "OTel default
 * setup" variant preloads them with `--require ./otel-default.cts`), which an ES module import
 * of express would bypass.
 *
 *   node bench/bare-express.cts        (PORT=0 → any free port; logs {"msg":"listening","port":…})
 *   BARE_POOL=piscina|tinypool-process BARE_POOL_SIZE=2 node bench/bare-express.cts
 */
const express: typeof import('express') = require('express');
const {
  applyFilter,
  decodePng,
  encodePng,
  extractTitle,
  fib,
}: typeof import('@concurrency-lab/workloads') = require('@concurrency-lab/workloads');
const {
  setTimeout: delay,
}: typeof import('node:timers/promises') = require('node:timers/promises');
const { performance }: typeof import('node:perf_hooks') = require('node:perf_hooks');
const path: typeof import('node:path') = require('node:path');

/** bare-pool-task.cjs's input: fib's n, or an image and its filter. */
type PoolTask =
  { n: number } | { png: Uint8Array; filter: import('@concurrency-lab/workloads').FilterName };
/** Where the work runs: a pool's `run`, or inline (the kit bench's anchor). */
const runTask = bareRunner(process.env['BARE_POOL']);

function bareRunner(kind: string | undefined): ((task: PoolTask) => Promise<unknown>) | undefined {
  if (kind === undefined || kind === '') return undefined;
  const filename = path.join(__dirname, 'bare-pool-task.cjs');
  const threads = Number(process.env['BARE_POOL_SIZE'] ?? 2);
  const sizes = { minThreads: threads, maxThreads: threads };
  if (kind === 'piscina') {
    const { Piscina }: typeof import('piscina') = require('piscina');
    const pool = new Piscina({ filename, ...sizes });
    return (task) => pool.run(task) as Promise<unknown>;
  }
  if (kind === 'tinypool-process') {
    const { Tinypool }: typeof import('tinypool') = require('tinypool');
    // 'advanced': v8's serializer, so an image crosses as bytes, not as JSON.
    const pool = new Tinypool({
      filename,
      runtime: 'child_process',
      serialization: 'advanced',
      ...sizes,
    });
    return (task) => pool.run(task) as Promise<unknown>;
  }
  throw new Error(`BARE_POOL: expected piscina or tinypool-process, got ${kind}`);
}

const app = express();
// The kit's own express settings, so that the difference is the kit's per-request work alone:
// express's default ETag (a SHA-1 of every body) is not part of that, nor is its one header.
app.set('etag', false);
app.disable('x-powered-by');

/** The kit's answer shape for work, as an express user would write it once. */
function answerWork(res: import('express').Response, result: unknown, started: number): void {
  res.json({
    model: 'bare',
    pid: process.pid,
    threadId: 0,
    result,
    durationMs: performance.now() - started,
  });
}

app.get('/io/sleep', async (req, res) => {
  const started = performance.now();
  const ms = Number(req.query['ms']);
  await delay(ms);
  answerWork(res, { sleptMs: ms }, started);
});

app.get('/cpu/fib', async (req, res) => {
  const started = performance.now();
  const n = Number(req.query['n']);
  answerWork(res, runTask ? await runTask({ n }) : fib(n), started);
});

app.post('/image/filter', express.raw({ type: 'image/png', limit: '8mb' }), async (req, res) => {
  const filter = req.query['filter'] as import('@concurrency-lab/workloads').FilterName;
  const png = req.body as Buffer;
  const out = runTask
    ? Buffer.from((await runTask({ png, filter })) as Uint8Array)
    : encodePng(applyFilter(decodePng(png), filter));
  res.type('image/png').send(out);
});

const upstreamUrl = process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:3100';

app.get('/io/scrape', async (req, res) => {
  const started = performance.now();
  const pages = Number(req.query['pages']);
  const result = await Promise.all(
    Array.from({ length: pages }, async (_, i) => {
      const url = `${upstreamUrl}/page/${i + 1}`;
      const body = await (await fetch(url)).text();
      return { url, title: extractTitle(body) };
    }),
  );
  answerWork(res, result, started);
});

const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});

// Exit through process.exit so `--cpu-prof` writes its profile and the OTel preload flushes.
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
