import { flushSpans, SPAN_FLUSH_TIMEOUT_MS } from './flush-spans';
import type { Tracing } from './start-tracing';

/** A flush that did not go out, as a process warning: the preload has no logger of its own. */
const WARNING = {
  warn: ({ spans }: { spans: string }) => process.emitWarning(`spans were not exported: ${spans}`),
};

/** The signals a terminal (Ctrl-C) or a supervisor (docker stop, kill) sends to end a program. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

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
  timeoutMs = SPAN_FLUSH_TIMEOUT_MS,
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
      void flushSpans(tracing, { logger: WARNING, timeoutMs }).then(() =>
        setImmediate(die, signal),
      );
    };
    listeners.set(signal, listener);
    process.prependListener(signal, listener);
  }
  return remove;
}
