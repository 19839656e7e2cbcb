import type { Tracing } from './start-tracing';

/** The signals a terminal (Ctrl-C) or a supervisor (docker stop, kill) sends to end a program. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * How long a process that a signal ends waits for its spans, as service-kit's
 * SPAN_FLUSH_TIMEOUT_MS: the OTLP exporter retries a collector that is down for up to its own
 * 10 s, and a supervisor that sent SIGTERM kills what is still there after its grace period.
 */
export const SIGNAL_FLUSH_TIMEOUT_MS = 2000;

/**
 * The signal listeners npm's signal-exit holds (v3 on `process`, v4 on a global symbol): each
 * re-raises the signal itself only when no listener but its own is left, so it must count as
 * "no listener of the host's" here too — counted as the host's, neither it nor we re-raised, and
 * a program that died by the signal lived on.
 */
function signalExitListeners(): number {
  const v3 = (process as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__;
  const v4 = (globalThis as Record<symbol, { count?: unknown } | undefined>)[
    Symbol.for('signal-exit emitter')
  ];
  const count = (emitter: { count?: unknown } | undefined) =>
    typeof emitter?.count === 'number' ? emitter.count : 0;
  return count(v3) + count(v4);
}

/** Settles when `work` does or after `timeoutMs`, whichever is first; a failure is a warning. */
async function bounded(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const outcome = await Promise.race([
    work.then(
      () => 'flushed' as const,
      (error: unknown) => `failed: ${String(error)}`,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome !== 'flushed') process.emitWarning(`spans were not exported: ${outcome}`);
}

/**
 * Exports the buffered spans when SIGTERM or SIGINT arrives, without changing what the signal
 * does to the program (the pattern of npm's signal-exit):
 * - if the program has no listener of its own for the signal, the signal was going to kill it:
 *   tracing is shut down (for `timeoutMs` at most), our listeners removed, and the signal raised
 *   again, so the process dies by it — the same exit its parent sees. A second signal while the
 *   spans go out raises it at once (a second Ctrl-C is not kept waiting);
 * - if it has one, the program decides when and how it ends: the spans are flushed alongside,
 *   and tracing goes on.
 * Our listener is put first, so that it sees every listener still to run, `once` ones included.
 * Returns a function that removes the listeners.
 */
export function flushOnSignals(
  tracing: Pick<Tracing, 'shutdown' | 'forceFlush'>,
  timeoutMs = SIGNAL_FLUSH_TIMEOUT_MS,
): () => void {
  const listeners = new Map<NodeJS.Signals, () => void>();
  const remove = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
  let dying = false;
  const die = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  for (const signal of SIGNALS) {
    const listener = () => {
      const hosts = process.listeners(signal).length - 1 - signalExitListeners();
      if (hosts > 0) {
        tracing.forceFlush().catch((error: unknown) => {
          process.emitWarning(`spans were not exported: ${String(error)}`);
        });
        return;
      }
      if (dying) {
        die(signal);
        return;
      }
      dying = true;
      // Raised from a later turn, not from the promise's: a warning of the flush's is written
      // on the next tick, which a kill from this microtask would come before.
      void bounded(tracing.shutdown(), timeoutMs).then(() => setImmediate(die, signal));
    };
    listeners.set(signal, listener);
    process.prependListener(signal, listener);
  }
  return remove;
}
