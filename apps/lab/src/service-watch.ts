import type { ExitStatus, Fleet, ServiceProcess } from '@concurrency-lab/launcher';
import { MODELS } from '@concurrency-lab/models';
import { ServiceDiedError } from './errors';

/** How much of a dead service's last output its error carries: enough for a crash's reason. */
const LAST_LINES = 12;

/**
 * Watches the services a run started for one that exits while it measures (a crash, an OOM
 * kill, a `kill -9`): its figures from then on would be of nothing — no answers, a p99 of 0 —
 * and would still make a report, lessons and verdicts. Pass {@link onUnexpectedExit} to
 * `Fleet.start`, race the run against {@link died}, and call {@link check} once the run is done
 * (an exit is reported once the process's output has ended, which may come after the run).
 */
export class ServiceWatch {
  #fail: ((error: ServiceDiedError) => void) | undefined;
  #error: ServiceDiedError | undefined;
  /** Rejects with a {@link ServiceDiedError} at the first unexpected exit; never resolves. */
  readonly died: Promise<never>;

  constructor() {
    this.died = new Promise<never>((_resolve, reject) => (this.#fail = reject));
    // Handled here too: a death seen after the run was raced is found by `check`, not unhandled.
    this.died.catch(() => undefined);
  }

  /** For `Fleet.start`: the first service that exits before `stop` ends the run. */
  readonly onUnexpectedExit = (service: ServiceProcess, status: ExitStatus): void => {
    this.#error ??= serviceDied(service, status);
    this.#fail?.(this.#error);
  };

  /**
   * Throws the {@link ServiceDiedError} of a service that exited during the run: one already
   * reported, or one of `fleet`'s processes that has exited though its exit is not reported yet.
   */
  check(fleet: Fleet | undefined): void {
    if (this.#error) throw this.#error;
    const services = [
      ...(fleet?.upstream ? [fleet.upstream] : []),
      ...(fleet?.models ?? []).map((m) => m.service),
    ];
    for (const service of services) {
      const { exitCode, signalCode } = service.child;
      if (exitCode !== null || signalCode !== null)
        throw serviceDied(service, { code: exitCode, signal: signalCode });
    }
  }
}

/**
 * `threads-service (model threads) exited during the run (signal SIGKILL)`, with its last words.
 */
export function serviceDied(service: ServiceProcess, status: ExitStatus): ServiceDiedError {
  const model = MODELS.find((m) => m.app === service.name)?.model;
  const how = status.signal ? `signal ${status.signal}` : `exit code ${String(status.code)}`;
  const last = service
    .output()
    .trimEnd()
    .split('\n')
    .slice(-LAST_LINES)
    .map((line) => `  ${line.slice(0, 400)}`)
    .join('\n');
  return new ServiceDiedError(
    `${service.name}${model ? ` (model ${model})` : ''}, pid ${service.pid}, exited during the run (${how}): the run is stopped and nothing is written — figures of a dead service would still rank it.${last.trim() ? `\nIts last output:\n${last}` : ''}`,
  );
}
