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
 * CommonJS on purpose: OpenTelemetry's auto-instrumentations patch `require` (the "OTel default
 * setup" variant preloads them with `--require ./otel-default.cts`), which an ES module import
 * of express would bypass.
 *
 *   node bench/bare-express.cts        (PORT=0 → any free port; logs {"msg":"listening","port":…})
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

app.get('/cpu/fib', (req, res) => {
  const started = performance.now();
  answerWork(res, fib(Number(req.query['n'])), started);
});

app.post('/image/filter', express.raw({ type: 'image/png', limit: '8mb' }), (req, res) => {
  const filter = req.query['filter'] as import('@concurrency-lab/workloads').FilterName;
  res.type('image/png').send(encodePng(applyFilter(decodePng(req.body as Buffer), filter)));
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
