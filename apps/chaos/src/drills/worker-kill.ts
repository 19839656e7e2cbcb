import { modelInfo } from '@concurrency-lab/models';
import { checkKills, killAllowance, UNDER_LOAD_SHED_SHARE_MAX } from '../budgets';
import { perModelDrill } from '../drill';
import { childrenOf } from '@concurrency-lab/procfs';
import { answeredBy, newProcesses } from '../probes/who-answers';
import { sleep, timeUntil } from '../workload';
import type { Load } from '../load/load-generator';
import { servedLoad, underLoad, type UnderLoad } from './under-load';

const KILLS = 3;
/** Cheap work, so many requests are in flight and every process is busy. */
const PATH = '/cpu/fib?n=20';
const CONNECTIONS = 32;

export const workerKill = perModelDrill({
  name: 'worker-kill',
  summary: `SIGKILL a worker process ${KILLS}× under load (cluster, hybrid: the HTTP worker carrying the most requests; procpool: a pool process): each kill loses ≤ what was in flight on it (a pool process: its one task), all workers serving again within the budget; the load served, ≤ ${UNDER_LOAD_SHED_SHARE_MAX * 100} % of it shed`,
  recovery: `slowest of the ${KILLS} kills: until a replacement process serves`,
  appliesTo: (model) => model.restarts.includes('process'),
  fleet: { upstream: false },
  runModel: async (ctx, { model, service }, row) => {
    let run: UnderLoad | undefined;
    try {
      run = underLoad(service, { path: PATH, connections: CONNECTIONS });
      const { load } = run;
      // Who the children are, from the registry: HTTP workers (cluster, hybrid) or a pool
      // (procpool). Not from who answered the load: a work answer names the process that ran
      // the work, a pool child on procpool.
      const servesHttp = modelInfo(model).http === 'worker processes';
      await sleep(1000);
      // What failed so far, counted as `finish` counts the row's lost: each kill is judged on
      // what failed from it to the next kill, against what it alone may lose.
      const lostSoFar = () => load.stats.lostExcept([200]) - load.stats.shed;
      const lostAtKill: number[] = [];
      const kills: Array<{ inFlight: number; recoveryMs: number | undefined }> = [];
      for (let k = 0; k < KILLS; k++) {
        const before = childrenOf(service.pid) ?? [];
        // An HTTP worker: the one carrying the most requests now. A pool process: in turn — a
        // task goes to whichever is free, so the load cannot tell which one carries it.
        const victim = servesHttp ? busiestWorker(before, load) : before[k % before.length];
        if (victim === undefined) {
          row.violations.push(`kill ${k + 1}: ${model} has no child process to kill`);
          break;
        }
        // A killed HTTP worker loses what was in flight on its connections; a killed pool
        // process, the one task it ran (killAllowance).
        const inFlight = killAllowance(
          servesHttp
            ? { servesHttp, inFlightOnIt: load.inFlightOn(victim) }
            : { servesHttp, inFlight: load.inFlight },
        );
        lostAtKill.push(lostSoFar());
        process.kill(victim, 'SIGKILL');
        const recoveryMs = await timeUntil(async () => {
          const fresh = newProcesses(service.pid, before);
          if (fresh.length === 0 || (childrenOf(service.pid) ?? []).length < before.length)
            return false;
          // Serving: an HTTP worker answers a request; a pool process runs a task.
          return servesHttp
            ? fresh.includes((await answeredBy(service.url, '/info')) ?? -1)
            : (await answeredBy(service.url, '/cpu/fib?n=1')) !== undefined;
        }, 10_000);
        kills.push({ inFlight, recoveryMs });
        ctx.progress(
          `${row.drill} ${model}: kill ${k + 1} (pid ${victim}, may lose ${inFlight}), recovered in ${recoveryMs === undefined ? '—' : `${Math.round(recoveryMs)} ms`}`,
        );
        await sleep(ctx.durations.killIntervalMs);
      }
      await run.finish(row, [200]);
      const judged = kills.map((kill, i) => ({
        ...kill,
        lost: (lostAtKill[i + 1] ?? row.lost) - (lostAtKill[i] ?? 0),
      }));
      const recovered = kills.map((k) => k.recoveryMs).filter((m): m is number => m !== undefined);
      row.recoveryMs =
        recovered.length === kills.length && kills.length > 0 ? Math.max(...recovered) : undefined;
      row.notes.push(
        `may lose at each kill: ${kills.map((k) => k.inFlight).join(', ')}`,
        `lost at each kill: ${judged.map((k) => k.lost).join(', ')}`,
        load.stats.summary(),
        ...(load.stats.serverErrorCodes.size > 0
          ? [`5xx codes: ${load.stats.serverErrorSummary()}`]
          : []),
      );
      row.violations.push(
        ...checkKills({
          kills: judged,
          lostBeforeFirstKill: lostAtKill[0] ?? row.lost,
          load: servedLoad(load.stats),
        }),
      );
      return row;
    } finally {
      await run?.stop();
    }
  },
});

/**
 * The HTTP worker carrying the most requests in flight now ({@link Load.inFlightOn}): the one a
 * kill exercises. Not the next in fork order: after a kill, the keep-alive connections move to
 * the survivors, and the replacement just forked (the next in fork order with two workers)
 * carries none — killing it lost nothing and proved nothing.
 */
export function busiestWorker(
  workers: readonly number[],
  load: Pick<Load, 'inFlightOn'>,
): number | undefined {
  let busiest: { pid: number; inFlight: number } | undefined;
  for (const pid of workers) {
    const inFlight = load.inFlightOn(pid);
    if (busiest === undefined || inFlight > busiest.inFlight) busiest = { pid, inFlight };
  }
  return busiest?.pid;
}
