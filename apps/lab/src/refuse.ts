/**
 * How a command refuses: the error's code and message on stderr (and the usage when it was a
 * usage error), exit code 2 — an error the user can fix, never a stack trace.
 */
export function refuse(error: unknown, usage?: string): number {
  const { code, message } = error as { code?: string; message?: string };
  const text = `${code ? `${code}: ` : ''}${message ?? String(error)}`;
  process.stderr.write(code === 'ERR_LAB_USAGE' && usage ? `${text}\n\n${usage}\n` : `${text}\n`);
  return 2;
}

/**
 * How a run ends that could not finish through no fault of its options (a service died during
 * it, the report could not be written): the error's code and message on stderr, exit code 1 —
 * said plainly, never a stack trace.
 */
export function fail(error: unknown): number {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`${code ? `${code}: ` : ''}${message ?? String(error)}\n`);
  return 1;
}

/**
 * Whether `error` is one a command says plainly instead of with a stack: the lab's own
 * (`ERR_LAB_*`), or a service that would not start (`ERR_LAUNCH_START_FAILED`: it refused its
 * configuration, or did not listen in time — its message carries what it printed).
 */
export const isPlainError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' && (code.startsWith('ERR_LAB_') || code === 'ERR_LAUNCH_START_FAILED')
  );
};
