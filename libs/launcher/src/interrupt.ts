/**
 * Ctrl-C (SIGINT) or a SIGTERM from a CI runner: run `stop` once — every process the caller
 * started — and then `after(signal)` (usually `process.exit`). A second signal while stopping is
 * ignored rather than leaving children behind. Returns a function that removes the handlers.
 */
export function onInterrupt(
  stop: () => Promise<unknown>,
  after: (signal: NodeJS.Signals) => void,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping every service…\n`);
    stop().then(
      () => after(signal),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${String(error)}\n`);
        after(signal);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** A start under Ctrl-C and SIGTERM, from {@link startInterruptibly}. */
export interface InterruptibleStart<T> {
  /**
   * What started, once it has; `undefined` when `stop` (a signal's, or the caller's) came
   * first — the start was aborted, and whatever it had started is stopped by then. Rejects as
   * `start` does when it fails on its own.
   */
  readonly started: Promise<T | undefined>;
  /**
   * Aborts the start if it is still running, then stops what started. What a signal runs;
   * idempotent, so the caller's own end (a service that exited unexpectedly) calls it too.
   */
  stop(): Promise<void>;
  /** True once `stop` was called: an exit from then on is expected. */
  readonly stopping: boolean;
}

/**
 * Starts what `start` starts (a fleet: `(signal) => Fleet.start({ …, signal })`) with Ctrl-C
 * and SIGTERM handled from before its first spawn, so no signal ends the process while a
 * service it started runs on. A signal during the start aborts the `signal` given to `start`
 * (which stops the service starting and those already up, then rejects); a signal after it
 * stops what started; either way `after(signal)` runs once nothing is left (see
 * {@link onInterrupt}). Handlers registered only once the start resolved — or a start without
 * the signal — leave every service started so far orphaned by a signal that comes during it.
 */
export function startInterruptibly<T extends { stop(): Promise<unknown> }>(
  start: (signal: AbortSignal) => Promise<T>,
  after: (signal: NodeJS.Signals) => void,
): InterruptibleStart<T> {
  const abort = new AbortController();
  let stopped: Promise<void> | undefined;
  // Only a signal or the caller calls it, and both come after `starting` is set below.
  const stop = () => {
    stopped ??= (async () => {
      abort.abort();
      const what = await starting.catch(() => undefined);
      await what?.stop();
    })();
    return stopped;
  };
  onInterrupt(stop, after);
  // Called only now that the handlers are in place; a synchronous throw becomes the rejection.
  const starting = new Promise<T>((resolve) => resolve(start(abort.signal)));
  const started = starting.then(
    async (what) => {
      if (!stopped) return what;
      await stopped;
      return undefined;
    },
    async (error: unknown) => {
      if (!stopped) throw error;
      await stopped;
      return undefined;
    },
  );
  return {
    started,
    stop,
    get stopping() {
      return stopped !== undefined;
    },
  };
}
