/** The error `run` throws; fails the test when it throws nothing. */
export function configError(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
