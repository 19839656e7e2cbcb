/**
 * The anchor's worker: bare express 5 with the two routes the cluster benchmark loads
 * (`GET /cpu/fib?n=`, `GET /io/sleep?ms=`), the kit's answer shape and express settings, and
 * nothing else (no validation, bounds, metrics or error mapping).
 */
const express: typeof import('express') = require('express');
const { fib }: typeof import('@concurrency-lab/workloads') = require('@concurrency-lab/workloads');
const {
  setTimeout: delay,
}: typeof import('node:timers/promises') = require('node:timers/promises');

const app = express();
app.set('etag', false);
app.disable('x-powered-by');

function answer(res: import('express').Response, result: unknown, started: number): void {
  res.json({
    model: 'bare',
    pid: process.pid,
    threadId: 0,
    result,
    durationMs: performance.now() - started,
  });
}

app.get('/cpu/fib', (req, res) => {
  const started = performance.now();
  answer(res, fib(Number(req.query['n'])), started);
});

app.get('/io/sleep', async (req, res) => {
  const started = performance.now();
  const ms = Number(req.query['ms']);
  await delay(ms);
  answer(res, { sleptMs: ms }, started);
});

const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
