import { median, recordTable } from '@concurrency-lab/report-kit';
import autocannon from 'autocannon';
import { join } from 'node:path';
import { LaunchArgumentError } from './errors';
import { integerFromEnv } from './integer-from-env';
import { ADMISSION_OFF } from './service-env';
import { launch, type ServiceProcess } from './service-process';
import { appEntry, workspaceRoot } from './workspace';

// `@concurrency-lab/launcher/bench`: what the service benchmarks share — every server of a
// comparison started once, then driven in rounds, the anchor (the first server) measured in the
// same run as what it anchors. Shared 2-core machines are noisy: a ratio within a round survives
// that, an absolute figure does not.

/**
 * The anchors the benchmarks share, run as they are (Node strips their types): bare express 5
 * with the kit's route shapes — with `BARE_POOL` its CPU routes on a bare piscina or tinypool —
 * and bare node:cluster forking it (or `BARE_WORKER_ENTRY`). Their headers say the rest.
 */
export const ANCHORS = {
  bareExpress: join(workspaceRoot(), 'libs', 'service-kit', 'bench', 'bare-express.cts'),
  bareCluster: join(workspaceRoot(), 'apps', 'cluster-service', 'bench', 'bare-cluster.cts'),
} as const;

/**
 * A run's settings, from the environment: `BENCH_SECONDS` per server per round (default 5),
 * `BENCH_ROUNDS` (default 3), `WORKERS` of every server (default 2: the machine's two cores;
 * the servers check it). Whole seconds: autocannon samples once a second and stops only at a
 * sample, so a fraction would run to the next second anyway. The caps refuse a typo's extra
 * zeros rather than run for days.
 * @throws LaunchArgumentError naming a variable that is not an integer in its range (`abc` or
 * `0` would run no round and print NaN rows)
 */
export function settings(env: NodeJS.ProcessEnv = process.env): {
  seconds: number;
  rounds: number;
  workers: string;
} {
  return {
    seconds: secondsFromEnv(env),
    rounds: roundsFromEnv(env),
    workers: env['WORKERS'] ?? '2',
  };
}

// Apart, so that a run reads only the variables its caller left to the environment.
const secondsFromEnv = (env: NodeJS.ProcessEnv): number =>
  integerFromEnv(env, 'BENCH_SECONDS', 1, 3600) ?? 5;
const roundsFromEnv = (env: NodeJS.ProcessEnv): number =>
  integerFromEnv(env, 'BENCH_ROUNDS', 1, 100) ?? 3;

/** One server of a comparison; the first one given is the anchor. */
export interface BenchServer {
  name: string;
  start(): Promise<ServiceProcess>;
}

/** A server run from `entry` (an anchor's file, or any entry) with `env`. */
export function entryServer(name: string, entry: string, env: Record<string, string>): BenchServer {
  return { name, start: () => launch(entry, { name, env }) };
}

/**
 * One of our apps, built, with admission control off: on a machine shared with the load
 * generator it sheds now and then (seen: 481 of 5,347 requests in one 3 s fib run), and a
 * benchmark compares the cost of serving, not of shedding.
 */
export function appServer(app: string, env: Record<string, string>): BenchServer {
  return {
    name: app,
    start: () => launch(appEntry(app), { name: app, env: { ...ADMISSION_OFF, ...env } }),
  };
}

/** One load: a GET of `path` from `connections` connections, as fast as the servers answer. */
export interface BenchLoad {
  name: string;
  path: string;
  connections: number;
}

/**
 * The pool models' loads: CPU work that keeps every pool worker busy, and a task so small that
 * the hop to the pool and back is most of the request.
 */
export const POOL_LOADS: readonly BenchLoad[] = [
  { name: 'fib(25)', path: '/cpu/fib?n=25', connections: 8 },
  { name: 'fib(1)', path: '/cpu/fib?n=1', connections: 50 },
];

export interface SideBySideOptions {
  /** The anchor first. */
  servers: readonly BenchServer[];
  loads: readonly BenchLoad[];
  /**
   * Rounds per load, a positive integer; the median of the rounds' figures counts. Undefined
   * (left out or not) reads `BENCH_ROUNDS`.
   * @default settings()
   */
  rounds?: number;
  /**
   * Seconds per server per round, more than 0; undefined reads `BENCH_SECONDS`.
   * @default settings()
   */
  seconds?: number;
}

/** One server under one load: medians over the rounds. */
export interface SideBySideRow {
  load: string;
  server: string;
  'req/s': number;
  'p99 ms': number;
  /** Non-2xx answers, errors and timeouts over all rounds: must be 0 for the row to mean much. */
  failed: number;
  /** The median over the rounds of this server's req/s ÷ the anchor's in the same round. */
  'req/s ÷ anchor': string;
}

interface Run {
  rps: number;
  p99: number;
  failed: number;
}

async function drive(url: string, connections: number, duration: number): Promise<Run> {
  const r = await autocannon({ url, connections, duration, timeout: 30 });
  return { rps: r.requests.average, p99: r.latency.p99, failed: r.errors + r.timeouts + r.non2xx };
}

/**
 * Starts every server, and for each load: one warm-up second per server (JIT, connections), left
 * out; then `rounds` rounds, each driving every server in turn, starting one further along each
 * round (drift on a shared machine favours nobody). Stops every server it started, also on a
 * failure. Returns a row per load and server, ready for `printSideBySide`.
 * @throws LaunchArgumentError, before any server starts, for `rounds` not a positive integer or
 * `seconds` not more than 0 (no round would run, every row NaN), or for a variable read instead
 */
export async function sideBySide(options: SideBySideOptions): Promise<SideBySideRow[]> {
  const { servers, loads } = options;
  // `??`, not a spread: a caller forwarding its own optional passes `rounds: undefined`.
  const rounds = options.rounds ?? roundsFromEnv(process.env);
  const seconds = options.seconds ?? secondsFromEnv(process.env);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new LaunchArgumentError(`Expected \`rounds\` to be an integer from 1, got ${rounds}`);
  }
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new LaunchArgumentError(`Expected \`seconds\` to be more than 0, got ${seconds}`);
  }
  const started: ServiceProcess[] = [];
  try {
    for (const server of servers) started.push(await server.start());
    const rows: SideBySideRow[] = [];
    for (const { name, path, connections } of loads) {
      for (const service of started) await drive(service.url + path, connections, 1);
      // runs[round][server]
      const runs: Run[][] = [];
      for (let round = 0; round < rounds; round++) {
        const row: Run[] = [];
        for (let k = 0; k < started.length; k++) {
          const i = (round + k) % started.length;
          row[i] = await drive(`${started[i]?.url}${path}`, connections, seconds);
        }
        runs.push(row);
      }
      servers.forEach((server, i) => {
        const mine = runs.map((row) => row[i] as Run);
        const ratios = runs.map((row) => (row[i] as Run).rps / (row[0] as Run).rps);
        rows.push({
          load: name,
          server: server.name,
          'req/s': Math.round(median(mine.map((r) => r.rps))),
          'p99 ms': median(mine.map((r) => r.p99)),
          failed: mine.reduce((sum, r) => sum + r.failed, 0),
          'req/s ÷ anchor': `${median(ratios).toFixed(2)}×`,
        });
      });
    }
    return rows;
  } finally {
    await Promise.all(started.map((service) => service.stop()));
  }
}

/** Prints `title` with the run's settings, then the rows as a table. */
export function printSideBySide(title: string, rows: readonly SideBySideRow[]): void {
  const { rounds, seconds } = settings();
  console.log(`${title}, Node ${process.version}, ${rounds} rounds × ${seconds} s, medians`);
  // Plain text, not console.table: that colours its cells whenever FORCE_COLOR is set, which Nx
  // sets for every task, so a bench's output redirected to a file filled it with escapes.
  console.log(recordTable(rows.map((row) => ({ ...row }))));
}
