import { checkRollingRestart, ROLLING_RESTART_MAX_MS } from '../budgets';
import { perModelDrill } from '../drill';
import { childrenOf } from '@concurrency-lab/procfs';
import { answeredBy, httpProcesses } from '../probes/who-answers';
import { sleep, timeUntil } from '../workload';
import { underLoad, type UnderLoad } from './under-load';

const PATH = '/cpu/fib?n=20';
const CONNECTIONS = 16;

export const rollingRestart = perModelDrill({
  name: 'rolling-restart',
  summary:
    'SIGHUP under load: every HTTP worker process replaced one by one, 0 requests failed (models whose HTTP is served by worker processes)',
  recovery: 'until every worker was replaced and a new one serves',
  appliesTo: (model) => model.restarts.includes('process'),
  fleet: { upstream: false },
  runModel: async (ctx, { model, service }, row) => {
    let run: UnderLoad | undefined;
    try {
      // SIGHUP rolls HTTP workers; where one process serves HTTP (a process pool behind it),
      // there is nothing to roll and SIGHUP is not this drill's to send.
      const serving = await httpProcesses(service.url);
      if ([...serving].every((pid) => pid === service.pid)) {
        ctx.progress(`${row.drill} ${model}: HTTP served by one process, not applicable`);
        return undefined;
      }
      const original = childrenOf(service.pid) ?? [];
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
      row.violations = checkRollingRestart({ failed: row.lost, replacedMs: row.recoveryMs });
      return row;
    } finally {
      await run?.stop();
    }
  },
});
