import type { ExitStatus, Fleet, ServiceProcess } from '@concurrency-lab/launcher';
import { modelInfo, type ModelName } from '@concurrency-lab/models';
import type { DrillContext, RegistryModel } from '../../src/drill';
import { QUICK_DURATIONS } from '../../src/drill';

/** The registry row of `model`, as the runner hands it to a drill. */
export const registryRow = (model: ModelName): RegistryModel => ({ ...modelInfo(model), model });

/**
 * What a drill may do to a stand-in service's process: its signals are recorded, and `onSignal`
 * plays the service's part (exit, drain). Its `pid` is -1, no process (what the launcher says of
 * a process that is not there): a drill finds no process tree to sample, to watch exit or to
 * kill what is left of — not the test process's, which graceful-stop would SIGKILL as a process
 * that outlived the service.
 */
export interface StandIn {
  service: ServiceProcess;
  signals: NodeJS.Signals[];
  /** Resolves the service's `exited`. */
  exit(status?: ExitStatus): void;
}

export function standInService(
  url: string,
  onSignal: (signal: NodeJS.Signals, standIn: StandIn) => void = () => undefined,
): StandIn {
  let exit!: (status: ExitStatus) => void;
  const exited = new Promise<ExitStatus>((resolve) => (exit = resolve));
  const signals: NodeJS.Signals[] = [];
  const standIn: StandIn = {
    service: undefined as unknown as ServiceProcess,
    signals,
    exit: (status = { code: 0, signal: null }) => exit(status),
  };
  standIn.service = {
    name: 'stand-in',
    url,
    port: Number(new URL(url).port),
    pid: -1,
    child: {
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        signals.push(signal);
        onSignal(signal, standIn);
        return true;
      },
    },
    exited,
  } as unknown as ServiceProcess;
  return standIn;
}

/**
 * A context whose every fleet is `service`, for each model it is started with (starting services
 * is the e2e's part); `overrides` replace what it sets (durations, capacity).
 */
export function standInContext(
  service: ServiceProcess,
  overrides: Partial<DrillContext> = {},
): {
  ctx: DrillContext;
  progress: string[];
} {
  const progress: string[] = [];
  const fleet = (models: readonly ModelName[]) =>
    ({
      service: () => service,
      models: models.map((model) => ({ model, service })),
      stop: () => Promise.resolve(),
    }) as unknown as Fleet;
  const ctx = {
    durations: QUICK_DURATIONS,
    workers: 2,
    progress: (line: string) => progress.push(line),
    startFleet: (models: readonly ModelName[]) => Promise.resolve(fleet(models)),
    ...overrides,
  } as unknown as DrillContext;
  return { ctx, progress };
}
