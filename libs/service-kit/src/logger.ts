import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout; `model` and `pid` on every line.
 *
 * Written synchronously, not through pino's default asynchronous destination. That one leaves
 * lines buffered and writes them at `process.exit` with SonicBoom's `flushSync`, which (4.x)
 * retries every failed write each 100 ms — forever when the failure is not EAGAIN. A service
 * whose log reader had gone (a parent killed with the whole process tree: EPIPE) therefore never
 * exited after its 'stopped' line: SIGTERM left it holding its port, asleep in that loop. In
 * sync mode a write that fails with EPIPE is an 'error' pino's destination answers by dropping
 * every later line, and nothing is left to flush at exit. A service logs a few lines a lifetime,
 * none per request (a 500 aside), so the synchronous write costs the request path nothing.
 */
export function createLogger(model: string, level: string): Logger {
  return pino(
    {
      level,
      base: { model, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
