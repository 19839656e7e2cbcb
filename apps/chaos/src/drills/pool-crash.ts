import { metricSum, requestOnNewConnection } from '@concurrency-lab/launcher';
import { modelInfo } from '@concurrency-lab/models';
import { childrenOf, isAlive } from '@concurrency-lab/procfs';
import { POOL_CRASH_SWITCH } from '@concurrency-lab/workloads';
import { checkPoolCrash, POOL_CRASH_ANSWER, UNDER_LOAD_SHED_SHARE_MAX } from '../budgets';
import { perModelDrill } from '../drill';
import { fetchMetrics, shedReasons } from '../probes/metrics-text';
import { servedWithin, sleep, timeUntil } from '../workload';
import { servedLoad, underLoad, type UnderLoad } from './under-load';

/** An n the background load never asks for, so only the drill's own requests crash. */
const CRASH_N = 31;
const CRASHES = 3;
const PATH = '/cpu/fib?n=20';
const CONNECTIONS = 8;

export const poolCrash = perModelDrill({
  name: 'pool-crash',
  summary: `crash a pool worker ${CRASHES}× under load through ${POOL_CRASH_SWITCH}: only its request fails, with ${POOL_CRASH_ANSWER.status} ${POOL_CRASH_ANSWER.code}; the process lives and the pool is whole again; the background load served, ≤ ${UNDER_LOAD_SHED_SHARE_MAX * 100} % of it shed`,
  recovery: 'slowest of the crashes: until the pool replaced the worker and serves',
  appliesTo: (model) => model.pool,
  fleet: {
    upstream: false,
    modelEnv: { [POOL_CRASH_SWITCH]: String(CRASH_N) },
  },
  runModel: async (ctx, { model, service }, row) => {
    let run: UnderLoad | undefined;
    // The HTTP processes, which must all outlive the crashes: the service itself, or its
    // cluster workers (hybrid) — from the registry and the process tree, not from who answered
    // the load (a work answer names the process that ran the work, a pool child on procpool).
    const httpPids =
      modelInfo(model).http === 'worker processes'
        ? (childrenOf(service.pid) ?? [])
        : [service.pid];
    try {
      run = underLoad(service, { path: PATH, connections: CONNECTIONS });
      await sleep(ctx.durations.poolCrashMs);
      const crashAnswers: Array<{ status: number | undefined; code: string | undefined }> = [];
      const recoveries: Array<number | undefined> = [];
      for (let i = 0; i < CRASHES; i++) {
        const restartsBefore = await restarts(service.url);
        const answer = await requestOnNewConnection(
          `${service.url}/cpu/fib?n=${CRASH_N}`,
          'GET',
          30_000,
        ).catch(() => undefined);
        crashAnswers.push({
          status: answer?.status,
          code: answer ? codeOf(answer.body) : undefined,
        });
        // Whole again: the pool counted the replacement, and a task runs.
        recoveries.push(
          await timeUntil(
            async () =>
              (await restarts(service.url)) > restartsBefore &&
              (await servedWithin(`${service.url}/cpu/fib?n=1`)),
            10_000,
          ),
        );
        await sleep(500);
      }
      await sleep(ctx.durations.poolCrashMs);
      await run.finish(row, [200]);
      row.requests += CRASHES;
      const survived = service.child.exitCode === null && httpPids.every(isAlive);
      const recovered = recoveries.filter((r): r is number => r !== undefined);
      row.recoveryMs = recovered.length === CRASHES ? Math.max(...recovered) : undefined;
      row.notes.push(
        `crash answers: ${crashAnswers.map((a) => `${a.status ?? 'none'} ${a.code ?? ''}`.trim()).join(', ')}`,
        run.load.stats.summary(),
        `shed by reason: ${shedReasons((await fetchMetrics(service.url)) ?? '')}`,
      );
      row.violations = checkPoolCrash({
        crashes: CRASHES,
        crashAnswers,
        othersLost: row.lost,
        processSurvived: survived,
        recoveryMs: row.recoveryMs,
        load: servedLoad(run.load.stats),
      });
      return row;
    } finally {
      await run?.stop();
    }
  },
});

async function restarts(base: string): Promise<number> {
  return metricSum((await fetchMetrics(base)) ?? '', 'lab_worker_restarts_total');
}

function codeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
