/**
 * The one registry of concurrency models. Everything that lists models reads this table — the
 * services (their default port), the launcher, the lab and its report schema and charts — or is
 * checked against it by a test: prometheus.yml, docker-compose.yml, the k6 plan, the scenario
 * catalog, the README and docs/contract.md, the Nx `implicitDependencies` of the tooling.
 * Adding a model is one row here and one app folder.
 */

/** What runs a model's work, so tooling knows which metric families to expect. */
export interface ModelInfo {
  /** The contract's `model` label on every series and answer. */
  readonly model: string;
  /** The Nx project and folder under `apps/` (`apps/<app>/dist/main.js` is its entry). */
  readonly app: string;
  /** The contract's default port (`PORT` overrides it). */
  readonly port: number;
  /**
   * Where the work runs, in one line: the README's model table says it word for word (checked
   * by tools/test/model-registry.test.ts); docs/contract.md's table may say more.
   */
  readonly summary: string;
  /** CPU work runs in a pool of threads or processes: the model exports `lab_pool_*`. */
  readonly pool: boolean;
  /** What a worker restart replaces (`lab_worker_restarts_total{kind}`); empty when nothing. */
  readonly restarts: readonly ('thread' | 'process')[];
  /**
   * Where HTTP is served: in one process, or in WORKERS cluster worker processes — each of which
   * holds its own per-process bounds (MAX_QUEUE, admission), so a bound for the whole service
   * is split over them.
   */
  readonly http: 'one process' | 'worker processes';
}

export const MODELS = [
  {
    model: 'async',
    app: 'async-service',
    port: 3001,
    summary: 'one process, one event loop; CPU work runs inline and blocks the loop',
    pool: false,
    restarts: [],
    http: 'one process',
  },
  {
    model: 'threads',
    app: 'threads-service',
    port: 3002,
    summary: 'one process; CPU work goes to a `worker_threads` pool (piscina)',
    pool: true,
    restarts: ['thread'],
    http: 'one process',
  },
  {
    model: 'cluster',
    app: 'cluster-service',
    port: 3003,
    summary:
      '`node:cluster` primary + N worker processes sharing the port; CPU work inline in each',
    pool: false,
    restarts: ['process'],
    http: 'worker processes',
  },
  {
    model: 'hybrid',
    app: 'hybrid-service',
    port: 3004,
    summary:
      "`node:cluster` worker processes sharing the port, each with its own `worker_threads` pool (the guide's hybrid)",
    pool: true,
    restarts: ['process', 'thread'],
    http: 'worker processes',
  },
  {
    model: 'procpool',
    app: 'procpool-service',
    port: 3005,
    summary:
      "one HTTP process; CPU work goes to a pool of child processes (Python's `ProcessPoolExecutor`)",
    pool: true,
    restarts: ['process'],
    http: 'one process',
  },
] as const satisfies readonly ModelInfo[];

export type ModelName = (typeof MODELS)[number]['model'];

/** Every model label, in the registry's order (the order of every table and chart). */
export const MODEL_NAMES: readonly ModelName[] = MODELS.map((m) => m.model);

/** The local website `/io/scrape` fetches: started before the models, which point at it. */
export const UPSTREAM = {
  app: 'upstream',
  port: 3100,
  summary: 'a small local website that `/io/scrape` fetches',
} as const;

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** The registry row of `name`. */
export function modelInfo(name: ModelName): ModelInfo {
  return MODELS.find((m) => m.model === name) as ModelInfo;
}
