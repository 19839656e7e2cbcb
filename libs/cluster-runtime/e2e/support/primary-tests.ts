import { PrimaryProcess, type FixtureOptions } from './primary-process';

/**
 * Call inside a describe block: the `launch` it returns starts a fixture primary, and after each
 * test the one launched is ended with every worker it forked, whatever happened in the test, so
 * nothing a test forked outlives it.
 */
export function launchPerTest(): (options: FixtureOptions) => PrimaryProcess {
  let primary: PrimaryProcess | undefined;
  afterEach(async () => {
    await primary?.end();
    primary = undefined;
  });
  return (options) => (primary = new PrimaryProcess(options));
}

/** The primary shuts down cleanly and exits 0, and no worker it ever forked is left. */
export async function shutdownCleanly(p: PrimaryProcess): Promise<void> {
  await expect(p.shutdown()).resolves.toBe(true);
  expect(p.alive()).toEqual([]);
  await expect(p.state()).resolves.toMatchObject({ pids: [] });
  expect(await p.end()).toEqual({ code: 0, signal: null });
}

/** How a start ended: 'resolved', or its error's message (handled at once: it may reject early). */
export function outcomeOf(start: Promise<number>): Promise<string> {
  return start.then(
    () => 'resolved',
    (error: Error) => error.message,
  );
}
