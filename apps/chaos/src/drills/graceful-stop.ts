import { checkGracefulStop } from '../budgets';
import { perModelDrill } from '../drill';
import { sleep } from '../workload';
import { underLoad, type UnderLoad } from './under-load';
import { performance } from 'node:perf_hooks';

/** The drain budget the drill gives every model (`SHUTDOWN_TIMEOUT_MS`). */
const SHUTDOWN_TIMEOUT_MS = 10_000;
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
  summary: `SIGTERM under load (keep-alive clients): requests in flight at SIGTERM and 200s before it, every accepted request answered, exit 0 within SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms)`,
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
      await sleep(1000);
      // Under load, or there is nothing to drain: a service that serves nothing (refuses every
      // connection) has nothing in flight and no 200, and would otherwise pass. In flight: on
      // connections it has answered — not connects under way, which may be being refused.
      const inFlight = run.load.inFlightOnAnsweredConnections;
      const answered = run.load.stats.count(200);
      // Refusals so far are failures of a service that should be up: only later ones are not.
      const refusedBefore = run.load.stats.errors.get('ECONNREFUSED') ?? 0;
      const signalled = performance.now();
      service.child.kill('SIGTERM');
      const status = await service.exited;
      row.recoveryMs = performance.now() - signalled;
      await run.finish(row, [200, 503]);
      const { stats } = run.load;
      // A connection refused after SIGTERM was never accepted: the listener had closed, as it
      // should. One refused before it is lost like any other failure.
      row.lost -= (stats.errors.get('ECONNREFUSED') ?? 0) - refusedBefore;
      row.notes.push(
        `${inFlight} in flight at SIGTERM`,
        `exit ${JSON.stringify(status)}`,
        stats.summary(),
        `${answered} answered 200 before SIGTERM`,
      );
      row.violations = checkGracefulStop({
        lost: row.lost,
        exitCode: status.code,
        exitMs: row.recoveryMs,
        shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
        inFlightAtSignal: inFlight,
        answeredBeforeSignal: answered,
      });
      if (stats.refusalsWithoutRetryAfter > 0)
        row.violations.push(`${stats.refusalsWithoutRetryAfter} 503s without Retry-After`);
      return row;
    } finally {
      await run?.stop();
    }
  },
});
