import { spawnService } from '@concurrency-lab/service-kit';

/** A service of this repository running as a child process, named for messages. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `killAfterMs`; resolves once the process has exited. */
  stop(killAfterMs?: number): Promise<void>;
}

export interface StartServiceOptions {
  env?: Record<string, string>;
  /** How long to wait for the `listening` log line. @default 20000 */
  startTimeoutMs?: number;
}

/** service-kit's `spawnService` (waits for the `listening` line), with a name for messages. */
export async function startService(
  name: string,
  entry: string,
  options: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const handle = await spawnService(entry, {
    ...(options.env ? { env: options.env } : {}),
    ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  return {
    name,
    url: handle.url,
    port: handle.port,
    pid: handle.pid,
    exited: handle.exited.then((s) => s.signal ?? String(s.code)),
    output: () => handle.output(),
    stop: async (killAfterMs = 10_000) => {
      await handle.stop('SIGTERM', killAfterMs);
    },
  };
}
