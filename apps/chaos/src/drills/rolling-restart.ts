import { checkRollingRestart, ROLLING_RESTART_MAX_MS, UNDER_LOAD_SHED_SHARE_MAX } from '../budgets';
import { perModelDrill } from '../drill';
import { childrenOf } from '@concurrency-lab/procfs';
import { answeredBy, httpProcesses } from '../probes/who-answers';
import { sleep, timeUntil } from '../workload';
import { servedLoad, underLoad, type UnderLoad } from './under-load';

const PATH = '/cpu/fib?n=20';
const CONNECTIONS = 16;
/** `/info` requests on new connections before SIGHUP, to see which workers serve. */
const PROBES = 12;

export const rollingRestart = perModelDrill({
  name: 'rolling-restart',
  summary: `SIGHUP under load: every HTTP worker process replaced one by one, 0 requests failed, ≤ ${UNDER_LOAD_SHED_SHARE_MAX * 100} % shed (models whose HTTP is served by worker processes)`,
  recovery: 'until every worker was replaced and a new one serves',
  // From the registry, not from who answers: a probe that fails must break the drill, not
  // make it look inapplicable. Where one process serves HTTP (procpool: a process pool behind
  // it), there is nothing to roll and SIGHUP is not this drill's to send.
  appliesTo: (model) => model.restarts.includes('process') && model.http === 'worker processes',
  fleet: { upstream: false },
  runModel: async (_ctx, { service }, row) => {
    let run: UnderLoad | undefined;
    try {
      // The HTTP workers SIGHUP rolls answer before it: a service that does not serve, or
      // serves from a process that is not its worker, has nothing this drill could roll.
      const serving = await httpProcesses(service.url, PROBES);
      const original = childrenOf(service.pid) ?? [];
      if (serving.size === 0) {
        row.violations.push(`no /info probe answered (${PROBES} tries): no HTTP worker to roll`);
        return row;
      }
      const strangers = [...serving].filter((pid) => !original.includes(pid));
      if (strangers.length > 0) {
        row.violations.push(
          `/info answered by pid ${strangers.join(', ')}, not a worker process of the service`,
        );
        return row;
      }
      run = underLoad(service, { path: PATH, connections: CONNECTIONS });
      await sleep(1000);
      service.child.kill('SIGHUP');
      row.recoveryMs = await timeUntil(
        async () => {
          const now = childrenOf(service.pid) ?? [];
          if (now.length < original.length || now.some((pid) => original.includes(pid)))
            return false;
          return now.includes((await answeredBy(service.url, '/info')) ?? -1);
        },
        ROLLING_RESTART_MAX_MS + 5000,
        50,
      );
      await sleep(1000);
      await run.finish(row, [200]);
      row.notes.push(`${original.length} workers rolled`, run.load.stats.summary());
      row.violations = checkRollingRestart({
        failed: row.lost,
        replacedMs: row.recoveryMs,
        load: servedLoad(run.load.stats),
      });
      return row;
    } finally {
      await run?.stop();
    }
  },
});
