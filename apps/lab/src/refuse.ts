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
