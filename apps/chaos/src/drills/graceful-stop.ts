import type { ExitStatus, ServiceProcess } from '@concurrency-lab/launcher';
import { isAlive, processTree } from '@concurrency-lab/procfs';
import { checkGracefulStop } from '../budgets';
import { perModelDrill } from '../drill';
import { LoadStats } from '../load/load-stats';
import { sleep, timeUntil } from '../workload';
import { underLoad, type UnderLoad } from './under-load';
import { performance } from 'node:perf_hooks';

/** The drain budget the drill gives every model (`SHUTDOWN_TIMEOUT_MS`). */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * How long the drill waits for the exit before it SIGKILLs the service: its drain budget, then
 * what a service may still do past it — cut what is left, close its pool (1 s), flush spans
 * (2 s), a cluster primary's final-metrics handover (0.5 s), the exit itself (1 s), its own
 * flush (2 s): the launcher's KILL_AFTER_MS reasoning, 6.5 s — and a margin. An exit past
 * SHUTDOWN_TIMEOUT_MS breaks the budget anyway; past this the service is not exiting at all,
 * and waiting longer only held the drill (forever, for one that ignores SIGTERM).
 */
const EXIT_WAIT_MS = SHUTDOWN_TIMEOUT_MS + 8000;
/**
 * How long after the service's exit a process of its tree may still be running: a child ends
 * when its parent's channel or lifeline closes, a moment after the parent.
 */
const TREE_EXIT_GRACE_MS = 2000;
/** I/O-bound requests, so many are in flight when SIGTERM arrives. */
const PATH = '/io/sleep?ms=200';
/*
 * Keep-alive connections, as real clients hold them: the drain must answer what is in flight
 * and close each connection cleanly after its last answer. (With a new connection per request,
 * connections still in the kernel's accept queue when the listener closes are reset by the
 * kernel — never accepted by the service, and no drain can answer them; the contract refuses
 * new connections once draining. Measured: 13–28 such resets per SIGTERM at 32 concurrent
 * connects on this loaded machine. Stopping traffic before SIGTERM is the orchestrator's job.)
 */
const CONNECTIONS = 32;

export const gracefulStop = perModelDrill({
  name: 'graceful-stop',
  summary: `SIGTERM under load (keep-alive clients): requests in flight at SIGTERM and 200s before it, every accepted request answered (those sent before SIGTERM: 200; after it 503 may refuse them), exit 0 within SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms; SIGKILLed ${(EXIT_WAIT_MS - SHUTDOWN_TIMEOUT_MS) / 1000} s past it), no process of its tree left running`,
  recovery: 'time from SIGTERM to exit',
  appliesTo: () => true,
  fleet: {
    upstream: false,
    modelEnv: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
  },
  runModel: async (ctx, { service }, row) => {
    let run: UnderLoad | undefined;
    try {
      run = underLoad(service, { path: PATH, connections: CONNECTIONS });
      // The answers to requests sent before SIGTERM: in flight when it came, or answered before.
      let signalled = Number.POSITIVE_INFINITY;
      const sentBefore = new LoadStats();
      run.load.onOutcome((outcome, sentAt) => {
        if (sentAt < signalled) sentBefore.record(outcome);
      });
      await sleep(1000);
      // Under load, or there is nothing to drain: a service that serves nothing (refuses every
      // connection) has nothing in flight and no 200, and would otherwise pass. In flight: on
      // connections it has answered — not connects under way, which may be being refused.
      const inFlight = run.load.inFlightOnAnsweredConnections;
      const answered = run.load.stats.count(200);
      // Refusals so far are failures of a service that should be up: only later ones are not.
      const refusedBefore = run.load.stats.errors.get('ECONNREFUSED') ?? 0;
      // Its processes now, each of which must be gone once it has exited.
      const tree = processTree(service.pid) ?? [];
      signalled = performance.now();
      service.child.kill('SIGTERM');
      const exit = await exitWithin(service, EXIT_WAIT_MS);
      row.recoveryMs = exit.inTime ? performance.now() - signalled : undefined;
      // Killed, so that nothing the service leaves outlives the drill (nor skews the next).
      const leftRunning = await stillRunning(tree);
      for (const pid of leftRunning) killIfRunning(pid);
      // 503 is allowed here for the requests sent after SIGTERM only (those before: below).
      await run.finish(row, [200, 503]);
      const { stats } = run.load;
      // A connection refused after SIGTERM was never accepted: the listener had closed, as it
      // should. One refused before it is lost like any other failure. The clients retry
      // every 10 ms until the drill ends: those attempts never reached the service, and are not
      // its requests either.
      const refusedAfter = (stats.errors.get('ECONNREFUSED') ?? 0) - refusedBefore;
      row.lost -= refusedAfter;
      row.requests -= refusedAfter;
      const figures = {
        lost: row.lost,
        refusedSentBefore: sentBefore.count(503),
        exitCode: exit.status.code,
        exitMs: row.recoveryMs,
        exitWaitMs: EXIT_WAIT_MS,
        shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
        inFlightAtSignal: inFlight,
        answeredBeforeSignal: answered,
        leftRunning,
      };
      row.lost += figures.refusedSentBefore;
      row.notes.push(
        `${inFlight} in flight at SIGTERM`,
        `exit ${JSON.stringify(exit.status)}${exit.inTime ? '' : ' (SIGKILLed)'}`,
        `${stats.summary()}${refusedAfter ? ` (${refusedAfter} connections refused after SIGTERM: not counted as requests)` : ''}`,
        `${answered} answered 200 before SIGTERM`,
        // Which refusal a 503 was (the drain's ERR_SHUTTING_DOWN, or a bound's ERR_OVERLOADED,
        // shed before it): a loaded machine's run once broke this budget, and said neither.
        `sent before SIGTERM: ${sentBefore.summary()}${sentBefore.serverErrorCodes.size ? ` (${sentBefore.serverErrorSummary()})` : ''}`,
        `${tree.length} process${tree.length === 1 ? '' : 'es'} in its tree at SIGTERM`,
      );
      row.violations.push(...checkGracefulStop(figures));
      if (stats.refusalsWithoutRetryAfter > 0)
        row.violations.push(`${stats.refusalsWithoutRetryAfter} 503s without Retry-After`);
      return row;
    } finally {
      await run?.stop();
    }
  },
});

/**
 * The service's exit status, if it exits within `withinMs`; past that it is SIGKILLed (the
 * launcher arms no kill timer for a signal sent by hand) and `inTime` is false.
 */
async function exitWithin(
  service: ServiceProcess,
  withinMs: number,
): Promise<{ status: ExitStatus; inTime: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), withinMs)),
  );
  const status = await Promise.race([service.exited, late]).finally(() => clearTimeout(timer));
  if (status !== undefined) return { status, inTime: true };
  service.child.kill('SIGKILL');
  return { status: await service.exited, inTime: false };
}

function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // it ended meanwhile
  }
}

/** Of `pids`, those still running {@link TREE_EXIT_GRACE_MS} from now (or once all have ended). */
async function stillRunning(pids: readonly number[]): Promise<number[]> {
  await timeUntil(() => !pids.some(isAlive), TREE_EXIT_GRACE_MS);
  return pids.filter(isAlive);
}
