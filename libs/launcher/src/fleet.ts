import { MODEL_NAMES, modelInfo, UPSTREAM, type ModelName } from '@concurrency-lab/models';
import { LaunchArgumentError, StartFailedError } from './errors';
import { launch, type ExitStatus, type ServiceProcess } from './service-process';
import { appEntry } from './workspace';

export interface FleetOptions {
  /** Models to start; they start in the registry's order whatever the order given. @default all */
  models?: readonly ModelName[];
  /**
   * Start the upstream site first and point every model's `UPSTREAM_URL` at it; `env` is added
   * to upstream's environment (`UPSTREAM_PAGES`, `UPSTREAM_LATENCY_MS`, …). @default true
   */
  upstream?: boolean | { env?: Record<string, string> };
  /**
   * `free`: any free port (PORT=0), so several fleets and test runs never collide; `contract`:
   * each app's registry port (3001…, upstream 3100), as Docker and the README use them.
   * @default 'free'
   */
  ports?: 'free' | 'contract';
  /**
   * A port per app (`upstream`, `async-service`, …), over `ports`: an integer from 0 to 65535,
   * for an app this fleet starts. Anything else, or two apps of the fleet on one port (but 0), is
   * refused before anything starts (LaunchArgumentError).
   */
  portOverrides?: Readonly<Record<string, number>>;
  /** Added to every model service's environment (WORKERS, MAX_QUEUE, OTEL_*, …). */
  modelEnv?: Readonly<Record<string, string>>;
  /** Added to one model's environment, over `modelEnv`. */
  envFor?(model: ModelName): Record<string, string>;
  /** Per service. @default 20000 */
  startTimeoutMs?: number;
  /**
   * Aborting it during `start` stops the service starting now and what already started, and
   * then rejects with its reason (Ctrl-C): what awaits the start has nothing left to stop.
   */
  signal?: AbortSignal;
  /** A service exited while the fleet was up (not during `stop`): the caller decides what next. */
  onUnexpectedExit?(service: ServiceProcess, status: ExitStatus): void;
}

export interface RunningModel {
  readonly model: ModelName;
  readonly app: string;
  readonly service: ServiceProcess;
}

/**
 * The services of one run, started in one order — upstream, then the models in registry order,
 * one at a time (a start competes for the same cores; one at a time keeps failures attributable)
 * — and stopped in the reverse order. If any service fails to start, or one already started
 * exits before the last is up, everything already started is stopped before the error is
 * rethrown: a failed start leaves no process behind, and a fleet that starts has every service
 * running. `stop` is idempotent and is what Ctrl-C runs.
 */
export class Fleet {
  readonly upstream: ServiceProcess | undefined;
  readonly models: readonly RunningModel[];
  readonly #started: readonly ServiceProcess[];
  #stopping: Promise<void> | undefined;

  private constructor(
    upstream: ServiceProcess | undefined,
    models: RunningModel[],
    started: ServiceProcess[],
  ) {
    this.upstream = upstream;
    this.models = models;
    this.#started = started;
  }

  static async start(options: FleetOptions = {}): Promise<Fleet> {
    const wanted = options.models ?? MODEL_NAMES;
    const unknown = wanted.filter((m) => !MODEL_NAMES.includes(m));
    if (unknown.length > 0) {
      throw new LaunchArgumentError(
        `Expected models from ${MODEL_NAMES.join(', ')}, got ${unknown.join(', ')}`,
      );
    }
    const portOf = (app: string, contractPort: number) =>
      options.portOverrides?.[app] ?? (options.ports === 'contract' ? contractPort : 0);
    const apps = [
      ...(options.upstream === false ? [] : [UPSTREAM]),
      ...MODEL_NAMES.filter((m) => wanted.includes(m)).map(modelInfo),
    ];
    refuseBadOverrides(
      options.portOverrides ?? {},
      apps.map(({ app }) => app),
    );
    refuseSharedPorts(apps.map(({ app, port }) => ({ app, port: portOf(app, port) })));
    const started: ServiceProcess[] = [];
    let fleet: Fleet | undefined;
    // A service that exits while later ones start fails the start: it aborts the launch in
    // progress (which may take up to startTimeoutMs) with that service's StartFailedError, and
    // the check after each launch sees it too. Once the fleet exists, onUnexpectedExit says it.
    const died = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, died.signal]) : died.signal;
    const watch = (service: ServiceProcess) => {
      started.push(service);
      service.exited.then(
        (status) => {
          if (!fleet) {
            died.abort(
              new StartFailedError(
                `${service.name} exited (${JSON.stringify(status)}) while the fleet was starting`,
                { output: service.output() },
              ),
            );
          } else if (!fleet.#stopping) {
            options.onUnexpectedExit?.(service, status);
          }
        },
        () => undefined,
      );
      signal.throwIfAborted();
    };
    try {
      signal.throwIfAborted();
      let upstream: ServiceProcess | undefined;
      if (options.upstream !== false) {
        const extra = typeof options.upstream === 'object' ? options.upstream.env : undefined;
        upstream = await launch(appEntry(UPSTREAM.app), {
          name: UPSTREAM.app,
          env: { ...extra, PORT: String(portOf(UPSTREAM.app, UPSTREAM.port)) },
          ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
          // The abort stops the launch in progress too, not after it (up to startTimeoutMs).
          signal,
        });
        watch(upstream);
      }
      const models: RunningModel[] = [];
      for (const model of MODEL_NAMES.filter((m) => wanted.includes(m))) {
        const { app, port } = modelInfo(model);
        const service = await launch(appEntry(app), {
          name: app,
          env: {
            ...options.modelEnv,
            ...options.envFor?.(model),
            ...(upstream ? { UPSTREAM_URL: upstream.url } : {}),
            PORT: String(portOf(app, port)),
          },
          ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
          signal,
        });
        watch(service);
        models.push({ model, app, service });
      }
      // Checked and built in one turn: an exit seen later is onUnexpectedExit's.
      signal.throwIfAborted();
      fleet = new Fleet(upstream, models, started);
      return fleet;
    } catch (error) {
      await stopAll(started);
      throw error;
    }
  }

  /** The running service of `model`. */
  service(model: ModelName): ServiceProcess {
    const found = this.models.find((m) => m.model === model);
    if (!found) throw new LaunchArgumentError(`The fleet did not start model \`${model}\``);
    return found.service;
  }

  /**
   * SIGTERM to every service (models, then upstream), SIGKILL past the kill timeout. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= stopAll(this.#started);
    return this.#stopping;
  }
}

/**
 * Refuses a port override the fleet would pass over (an app it does not start: a typo, or a
 * model left out) or that would reach PORT only to fail once spawned (-1, 1.5, NaN, 70000).
 */
function refuseBadOverrides(
  overrides: Readonly<Record<string, number>>,
  apps: readonly string[],
): void {
  for (const [app, port] of Object.entries(overrides)) {
    if (!apps.includes(app)) {
      throw new LaunchArgumentError(
        `\`portOverrides\` names \`${app}\`, which this fleet does not start (${apps.join(', ')})`,
      );
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LaunchArgumentError(
        `Expected the port override of \`${app}\` to be an integer from 0 to 65535, got ${port}`,
      );
    }
  }
}

/**
 * Refuses two apps given one port (`ASYNC_PORT=CLUSTER_PORT=…`) before anything starts, naming
 * both: else the second fails only once the first is up, or (a cluster whose workers retried the
 * port) at its start timeout. Port 0 asks the OS for a free port: never shared.
 */
function refuseSharedPorts(apps: readonly { app: string; port: number }[]): void {
  const byPort = new Map<number, string>();
  for (const { app, port } of apps) {
    const other = byPort.get(port);
    if (port !== 0 && other !== undefined) {
      throw new LaunchArgumentError(`\`${other}\` and \`${app}\` were both given port ${port}`);
    }
    byPort.set(port, app);
  }
}

/**
 * The models drain side by side (they share nothing), and upstream goes last: a draining model
 * may still be fetching pages from it.
 */
async function stopAll(services: readonly ServiceProcess[]): Promise<void> {
  const upstream = services.find((s) => s.name === UPSTREAM.app);
  await Promise.all(services.filter((s) => s !== upstream).map((s) => s.stop()));
  await upstream?.stop();
}
