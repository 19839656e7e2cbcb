import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `model` and `pid` on every line. */
export function createLogger(model: string, level: string): Logger {
  return pino({
    level,
    base: { model, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
