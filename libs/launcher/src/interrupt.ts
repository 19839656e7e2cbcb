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
