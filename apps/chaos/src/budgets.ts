/**
 * What each drill must hold, as named figures with their reasons. A broken budget is a line in
 * the row's violations and a non-zero exit. The checks are pure functions of a drill's figures
 * (unit-tested on their own); the drills only measure.
 */

const MiB = 1024 * 1024;

/** Overload = this many times the capacity measured just before (the issue's 3×). */
export const OVERLOAD_FACTOR = 3;
/**
 * Peak RSS at 3× may be at most this times the peak at 1×: shedding must keep memory flat.
 * Not 1.0: more connections and more answers in flight cost some buffers; a queue that grows
 * with the offered load costs far more than half again.
 */
export const OVERLOAD_RSS_RATIO_MAX = 1.5;
/**
 * An accepted request's p99 under overload. Admitted work should not wait longer than a
 * refused client would to come back and retry (`Retry-After: 1` plus the retry itself): past
 * that, a 503 would have served the client better than the queue did.
 */
export const OVERLOAD_ACCEPTED_P99_MAX_MS = 2000;
/**
 * Overload: the share of the arrivals (both runs) the load generator may skip because every one
 * of its connections was busy. The drill sets MAX_QUEUE so that the service holds at most a
 * quarter of those connections (see drills/overload.ts): a service that keeps its bound refuses
 * the excess at once, and only a stall of the shared machine fills the rest — quick runs on 2
 * shared cores (load average 3–4) skipped 0 to 2.8 % (284 of ~10,200, on cluster). One that
 * holds more than its bound (no bound at all, or one ignored) busies every connection instead,
 * and the generator, not the service, drops the excess: 43 % (4,071 of 9,360 on threads with
 * MAX_QUEUE 1000), while its p99, memory and /healthz held their budgets.
 */
export const OVERLOAD_SKIPPED_SHARE_MAX = 0.1;
/**
 * Overload: each run (1× and 3×) must serve with 200 at least this share of what was sent at 1×
 * — the capacity the drill just measured, over the same duration. A healthy service serves about
 * all of its capacity in both (the 3× run's excess is shed, not its capacity): the floor is a
 * quarter of that. Refusals are polite, so every other figure holds for a service that refuses
 * almost everything: 1 request served of 10,000 held every budget.
 */
export const OVERLOAD_SERVED_SHARE_MIN = 0.25;
/**
 * `/healthz` must answer within this, throughout, on every model: 1 s is Kubernetes' default
 * probe timeout (`timeoutSeconds: 1`) — slower, and an orchestrator kills a pod that is only busy.
 */
export const HEALTHZ_MAX_MS = 1000;
/**
 * After a worker process is killed, all workers serve again within this: the cluster primary
 * respawns after a 100 ms backoff and a Node process starts in a few hundred ms.
 */
export const RECOVERY_MAX_MS = 2000;
/** A rolling restart replaces every worker within this (one at a time, each drained). */
export const ROLLING_RESTART_MAX_MS = 30_000;
/**
 * Soak: RSS and heap may grow at most this fast after warm-up. A leak of one small object per
 * request shows as megabytes per minute at hundreds of requests per second; allocator noise
 * after warm-up stays well below.
 */
export const SOAK_SLOPE_MAX_BYTES_PER_MIN = 1 * MiB;
/**
 * Soak: open descriptors and threads are "flat" when the median of the last quarter is within
 * these of the first quarter's (after warm-up). Descriptors are counted beyond the load's own
 * connections: an open loop keeps every connection a stall made it open (a 100 ms stall at
 * 130 req/s: a dozen), and the service holds one descriptor for each — growth that is the
 * load's, not a leak (it broke a quick CI soak of cluster by 9). A leak grows beyond them.
 */
export const SOAK_FD_DRIFT_MAX = 8;
export const SOAK_THREAD_DRIFT_MAX = 2;
/**
 * Soak, where sheds are tolerated (--quick): the longest run of sheds no 200 interrupts. A loop
 * held up for a moment (the machine's scheduler, a collection) makes admission refuse until its
 * next calm sample, 100 ms later by default: a few hundred ms. Admission that keeps refusing at
 * half capacity is not a passing stall.
 */
export const SOAK_SHED_EPISODE_MAX_MS = 2000;
/**
 * Soak: arrivals the open loop may skip because its cap of outstanding requests (the load
 * generator's default, 1000) was reached — none. At half of capacity a service keeps a few
 * requests outstanding; a thousand is seconds of its work, a service stalled or slowed far past
 * what it serves. Each skipped arrival is a request the service was offered and did not take,
 * which the load generator drops instead of sending: unjudged, a service that answered almost
 * nothing passed, its few sent requests all answered (overload, which drives a service past
 * capacity on purpose, allows a share: OVERLOAD_SKIPPED_SHARE_MAX).
 */
export const SOAK_SKIPPED_MAX = 0;
/**
 * The statuses `/io/scrape` may answer while upstream misbehaves (503: a bound, with Retry-After).
 */
export const SCRAPE_ALLOWED_STATUSES = [200, 502, 503, 504] as const;
/**
 * `/io/scrape`'s per-page timeout and fetches in flight per request (docs/design.md, "scrape
 * fan-out"; `LIMITS` in libs/service-kit).
 */
export const SCRAPE_PAGE_TIMEOUT_MS = 5000;
export const SCRAPE_CONCURRENCY = 8;
/**
 * Upstream faults: the slowest accepted (200) scrape. The drill asks at most 10 pages, from an
 * upstream whose pages answer in milliseconds, fail at once (5xx, resets) or spike to 6 s, and a
 * spiked page is cut at the page timeout. A scrape's pages run at once (8 in flight; the other 2
 * start as soon as 2 fast ones are in), so it ends one page timeout after it starts: 5 s. Twice
 * that for a loaded machine (a slow event loop, a page waiting for one of the process's 32
 * upstream slots). A scraper that ignores its timeout waits out the 6 s spike, or longer.
 */
export const UPSTREAM_ACCEPTED_MAX_MS = 2 * SCRAPE_PAGE_TIMEOUT_MS;

export interface OverloadFigures {
  rssPeak1xBytes: number;
  rssPeak3xBytes: number;
  acceptedP99Ms: number | undefined;
  healthzMaxMs: number;
  healthzFailed: number;
  /** Answers other than 2xx and 503. */
  unexpected: number;
  unanswered: number;
  refusalsWithoutRetryAfter: number;
  /** Arrivals due in both runs: sent, or skipped by the load generator. */
  arrivals: number;
  /** Of those, skipped: every connection of the load generator was busy. */
  skipped: number;
  /** Shed in the 3× run: 503 `ERR_OVERLOADED` with `Retry-After`. */
  shed3x: number;
  /** Requests sent in the 1× run: the capacity just measured, times the run's duration. */
  sent1x: number;
  /** 200s in each run ({@link OVERLOAD_SERVED_SHARE_MIN}). */
  served1x: number;
  served3x: number;
}

export function checkOverload(f: OverloadFigures): string[] {
  const broken: string[] = [];
  if (f.rssPeak3xBytes > OVERLOAD_RSS_RATIO_MAX * f.rssPeak1xBytes) {
    broken.push(
      `RSS peak at ${OVERLOAD_FACTOR}× ${mib(f.rssPeak3xBytes)} > ${OVERLOAD_RSS_RATIO_MAX} × ${mib(f.rssPeak1xBytes)} at 1×`,
    );
  }
  if (f.acceptedP99Ms === undefined) broken.push('no request was accepted');
  else if (f.acceptedP99Ms > OVERLOAD_ACCEPTED_P99_MAX_MS) {
    broken.push(`accepted p99 ${ms(f.acceptedP99Ms)} > ${ms(OVERLOAD_ACCEPTED_P99_MAX_MS)}`);
  }
  if (f.healthzMaxMs >= HEALTHZ_MAX_MS || f.healthzFailed > 0) {
    broken.push(
      `/healthz max ${ms(f.healthzMaxMs)} (${f.healthzFailed} failed), budget < ${ms(HEALTHZ_MAX_MS)}`,
    );
  }
  if (f.unexpected > 0) broken.push(`${f.unexpected} answers neither 2xx nor 503`);
  if (f.unanswered > 0) broken.push(`${f.unanswered} requests got no answer`);
  if (f.refusalsWithoutRetryAfter > 0)
    broken.push(`${f.refusalsWithoutRetryAfter} 503s without Retry-After`);
  // Three times what it can serve, against a bound the client can exceed: a service that
  // refuses nothing has no bound that works, however good its other figures look.
  if (f.shed3x === 0) {
    broken.push(
      `nothing shed at ${OVERLOAD_FACTOR}× (503 ERR_OVERLOADED + Retry-After): no bound refused`,
    );
  }
  if (f.skipped > OVERLOAD_SKIPPED_SHARE_MAX * f.arrivals) {
    broken.push(
      `${f.skipped} of ${f.arrivals} arrivals skipped with every connection busy (budget ${OVERLOAD_SKIPPED_SHARE_MAX * 100} %): the service held more than its bound`,
    );
  }
  const floor = OVERLOAD_SERVED_SHARE_MIN * f.sent1x;
  const runs = [
    ['1×', f.served1x],
    [`${OVERLOAD_FACTOR}×`, f.served3x],
  ] as const;
  for (const [run, served] of runs) {
    // `=== 0` too: with nothing sent at 1× (a capacity of 0) the floor is 0.
    if (served === 0 || served < floor)
      broken.push(
        `${served} served at ${run} (200), below ${OVERLOAD_SERVED_SHARE_MIN * 100} % of the ${f.sent1x} sent at 1×: the bound refused the work, not only the excess`,
      );
  }
  return broken;
}

/**
 * A drill under load judges what a service did with that load, and only a service that serves
 * some of it has done anything: one that answers every request 503 `ERR_OVERLOADED` with
 * `Retry-After` has shed it all — not lost, by each drill's count — and so lost nothing to a
 * kill, a crash or a restart, and passed them all. `when` narrows the 200s counted (graceful
 * stop: those before SIGTERM).
 */
export function checkServed(served: number, when = ''): string[] {
  return served > 0 ? [] : [`no 200${when}: the service served nothing`];
}

/**
 * Worker-kill, pool-crash, rolling-restart: the share of the load's requests that may be shed
 * (503 `ERR_OVERLOADED` + `Retry-After`, not lost). A kill or a roll takes a worker's share of
 * the capacity away for a moment, and admission may refuse while the others carry its load;
 * quick runs of every model on 2 shared cores (load average 5–6) shed 0 (pool-crash) to 1.7 %
 * (126 of 7,429: hybrid's rolling restart; cluster's worker-kill 1.0 %). A service that sheds
 * most of the load a drill sends, serving a few requests, would otherwise lose nothing and
 * pass, as one that sheds all of it would ({@link checkServed}).
 */
export const UNDER_LOAD_SHED_SHARE_MAX = 0.1;

/** What a drill's load got of a service: requests sent, answered 200, shed. */
export interface ServedLoad {
  sent: number;
  served: number;
  shed: number;
}

/** It served some of its load ({@link checkServed}), and shed at most its share of it. */
export function checkServedLoad(f: ServedLoad): string[] {
  const broken = checkServed(f.served);
  if (f.shed > UNDER_LOAD_SHED_SHARE_MAX * f.sent)
    broken.push(
      `${f.shed} of ${f.sent} requests shed (503 ERR_OVERLOADED + Retry-After; budget ${UNDER_LOAD_SHED_SHARE_MAX * 100} %)`,
    );
  return broken;
}

/**
 * Tasks a pool process runs at once: one. The executor hands a task over only to a free process
 * (libs/executors: "a task goes to the pool only when a worker is free"), so killing a pool
 * process can lose its one task's request; everything else in flight is queued, or on the other
 * processes, and is served.
 */
export const TASKS_PER_POOL_PROCESS = 1;

/** The process a worker-kill killed, and what the load had in flight at that moment. */
export type KillVictim =
  /** An HTTP worker (cluster, hybrid): requests in flight on the connections it answered. */
  | { servesHttp: true; inFlightOnIt: number }
  /** A pool process (procpool): the service's requests in flight, of which it runs at most one. */
  | { servesHttp: false; inFlight: number };

/**
 * The requests one kill may lose. An HTTP worker takes its connections' requests with it; a
 * pool process only the task it was running — not everything in flight, which (32 connections)
 * let a procpool kill lose 30 requests and still hold.
 */
export function killAllowance(victim: KillVictim): number {
  return victim.servesHttp
    ? victim.inFlightOnIt
    : Math.min(TASKS_PER_POOL_PROCESS, victim.inFlight);
}

export interface KillFigures {
  /**
   * Each kill: `inFlight`, what it may lose ({@link killAllowance}); `lost`, what failed from
   * that kill until the next one (the last: until the load ended).
   */
  kills: ReadonlyArray<{ inFlight: number; lost: number; recoveryMs: number | undefined }>;
  /** What failed before the first kill, when nothing had been killed. */
  lostBeforeFirstKill: number;
  /** What the drill's load got ({@link checkServedLoad}). */
  load: ServedLoad;
}

/**
 * Each kill is held to its own allowance: summed over the kills, the allowance of one that
 * carried many requests and lost few would cover another that carried none and lost many.
 */
export function checkKills(f: KillFigures): string[] {
  const broken = checkServedLoad(f.load);
  if (f.lostBeforeFirstKill > 0)
    broken.push(`lost ${f.lostBeforeFirstKill} before the first kill (budget 0)`);
  f.kills.forEach((k, i) => {
    if (k.lost > k.inFlight)
      broken.push(`kill ${i + 1}: lost ${k.lost} > ${k.inFlight} in flight on the killed process`);
    if (k.recoveryMs === undefined) broken.push(`kill ${i + 1}: never recovered`);
    else if (k.recoveryMs >= RECOVERY_MAX_MS) {
      broken.push(`kill ${i + 1}: recovery ${ms(k.recoveryMs)} ≥ ${ms(RECOVERY_MAX_MS)}`);
    }
  });
  return broken;
}

/**
 * What a request whose pool thread or process died is answered with (docs/contract.md, README):
 * nothing else — a 503 `ERR_SHUTTING_DOWN` or a 500 `ERR_WORK_FAILED` would be a coded 5xx, but
 * not the pool confining its crash to this request.
 */
export const POOL_CRASH_ANSWER = { status: 500, code: 'ERR_WORKER_CRASHED' } as const;

export interface PoolCrashFigures {
  crashes: number;
  /** How the crashing requests were answered: status and problem code. */
  crashAnswers: ReadonlyArray<{ status: number | undefined; code: string | undefined }>;
  /** Other requests that failed meanwhile. */
  othersLost: number;
  processSurvived: boolean;
  recoveryMs: number | undefined;
  /** What the background load got ({@link checkServedLoad}). */
  load: ServedLoad;
}

export function checkPoolCrash(f: PoolCrashFigures): string[] {
  const broken = checkServedLoad(f.load);
  if (!f.processSurvived) broken.push('the service process died');
  const other = f.crashAnswers.filter(
    (a) => a.status !== POOL_CRASH_ANSWER.status || a.code !== POOL_CRASH_ANSWER.code,
  );
  if (other.length > 0) {
    broken.push(
      `${other.length} of ${f.crashes} crashing requests not ${POOL_CRASH_ANSWER.status} ${POOL_CRASH_ANSWER.code} (${other.map((a) => `${a.status ?? 'no answer'} ${a.code ?? ''}`.trim()).join(', ')})`,
    );
  }
  if (f.othersLost > 0) broken.push(`${f.othersLost} other requests failed`);
  if (f.recoveryMs === undefined) broken.push('the pool never came back to full size');
  else if (f.recoveryMs >= RECOVERY_MAX_MS)
    broken.push(`pool recovery ${ms(f.recoveryMs)} ≥ ${ms(RECOVERY_MAX_MS)}`);
  return broken;
}

export function checkRollingRestart(f: {
  failed: number;
  replacedMs: number | undefined;
  /** What the drill's load got ({@link checkServedLoad}). */
  load: ServedLoad;
}): string[] {
  const broken = checkServedLoad(f.load);
  if (f.failed > 0)
    broken.push(`${f.failed} requests failed during the rolling restart (budget 0)`);
  if (f.replacedMs === undefined) broken.push('not every worker was replaced');
  else if (f.replacedMs > ROLLING_RESTART_MAX_MS) {
    broken.push(`every worker replaced after ${ms(f.replacedMs)} > ${ms(ROLLING_RESTART_MAX_MS)}`);
  }
  return broken;
}

export interface GracefulStopFigures {
  /**
   * Requests never answered: the service took them (connected and sent) and dropped them, or
   * refused their connection before SIGTERM, while it should have been serving.
   */
  lost: number;
  /**
   * Requests sent before SIGTERM and answered 503: in flight when it came (or earlier), which
   * the drain must finish — only a request arriving while it drains may be refused.
   */
  refusedSentBefore: number;
  exitCode: number | null;
  /** From SIGTERM to the exit; undefined: still running `exitWaitMs` after it (then SIGKILLed). */
  exitMs: number | undefined;
  exitWaitMs: number;
  shutdownTimeoutMs: number;
  /** Requests in flight when SIGTERM was sent: what the drain must answer. */
  inFlightAtSignal: number;
  /** 200s before SIGTERM: the service was serving the load it is stopped under. */
  answeredBeforeSignal: number;
  /** Processes of the service's tree at SIGTERM still running after it exited (then SIGKILLed). */
  leftRunning: readonly number[];
}

/**
 * A stop under load is graceful only if there was load: a service that refuses every
 * connection loses nothing it accepted and exits at once, and must not pass.
 */
export function checkGracefulStop(f: GracefulStopFigures): string[] {
  const broken: string[] = [];
  if (f.inFlightAtSignal === 0) broken.push('no request in flight at SIGTERM: nothing to drain');
  broken.push(...checkServed(f.answeredBeforeSignal, ' before SIGTERM'));
  if (f.lost > 0)
    broken.push(
      `${f.lost} requests were not answered (refused before SIGTERM, or accepted and dropped)`,
    );
  if (f.refusedSentBefore > 0)
    broken.push(
      `${f.refusedSentBefore} requests sent before SIGTERM answered 503: the drain must finish them (only requests arriving while it drains may be refused)`,
    );
  if (f.exitMs === undefined) {
    broken.push(
      `did not exit within ${ms(f.exitWaitMs)} of SIGTERM (SHUTDOWN_TIMEOUT_MS ${ms(f.shutdownTimeoutMs)}): SIGKILLed`,
    );
  } else {
    if (f.exitCode !== 0) broken.push(`exit code ${String(f.exitCode)}, expected 0`);
    if (f.exitMs > f.shutdownTimeoutMs)
      broken.push(`exit after ${ms(f.exitMs)} > SHUTDOWN_TIMEOUT_MS ${ms(f.shutdownTimeoutMs)}`);
  }
  if (f.leftRunning.length > 0)
    broken.push(
      `${f.leftRunning.length} process${f.leftRunning.length === 1 ? '' : 'es'} of its tree still running after it exited (pid ${f.leftRunning.join(', ')}): SIGKILLed`,
    );
  return broken;
}

export interface UpstreamFaultFigures {
  statuses: ReadonlyMap<number, number>;
  unanswered: number;
  refusalsWithoutRetryAfter: number;
  /** Pages reported as per-page errors inside 200 answers: proof the faults happened. */
  pageErrors: number;
  /** The slowest 200; undefined when none ({@link UPSTREAM_ACCEPTED_MAX_MS}). */
  acceptedMaxMs: number | undefined;
}

export function checkUpstreamFaults(f: UpstreamFaultFigures): string[] {
  const broken: string[] = [];
  const allowed: readonly number[] = SCRAPE_ALLOWED_STATUSES;
  const other = [...f.statuses].filter(([s]) => !allowed.includes(s));
  if (other.length > 0)
    broken.push(
      `answers outside ${allowed.join('/')}: ${other.map(([s, n]) => `${s} × ${n}`).join(', ')}`,
    );
  if (f.unanswered > 0) broken.push(`${f.unanswered} requests hung or got no answer`);
  if (f.refusalsWithoutRetryAfter > 0)
    broken.push(`${f.refusalsWithoutRetryAfter} 503s without Retry-After`);
  if (f.pageErrors === 0) broken.push('no per-page error seen: the upstream faults did not happen');
  if (f.acceptedMaxMs !== undefined && f.acceptedMaxMs > UPSTREAM_ACCEPTED_MAX_MS)
    broken.push(
      `slowest 200 took ${ms(f.acceptedMaxMs)} > ${ms(UPSTREAM_ACCEPTED_MAX_MS)}: twice the ${ms(SCRAPE_PAGE_TIMEOUT_MS)} per-page timeout`,
    );
  return broken;
}

export interface SoakFigures {
  rssSlopeBytesPerMin: number;
  heapSlopeBytesPerMin: number | undefined;
  /** Of the service's open descriptors beyond the load's open connections (`quarterDrift`). */
  fdDrift: number;
  threadDrift: number;
  /** Requests answered otherwise than 200, or not at all (shed ones included). */
  lost: number;
  /** Of those, shed: 503 `ERR_OVERLOADED` with `Retry-After`. @default 0 */
  shed?: number;
  /** Requests sent. */
  sent: number;
  /** Of those, answered 200. */
  served: number;
  /** The longest episode of sheds (`ShedEpisodes.longestMs`). @default 0 */
  longestShedMs?: number;
  /**
   * Arrivals the load generator skipped, with its cap of outstanding requests reached: never
   * sent, so in neither `sent` nor `lost` ({@link SOAK_SKIPPED_MAX}). @default 0
   */
  skipped?: number;
}

/** How many of a soak's failures are tolerated sheds (`Durations.soakShedShareMax`). */
export function toleratedSheds(f: SoakFigures, shedShareMax: number): number {
  return Math.min(f.shed ?? 0, Math.floor(f.sent * shedShareMax));
}

/**
 * `judgeSlopes: false` (a quick run): the slopes are printed, not judged; `shedShareMax`: the
 * share of requests that may be shed — see `Durations`.
 */
export function checkSoak(f: SoakFigures, judgeSlopes = true, shedShareMax = 0): string[] {
  const broken: string[] = [];
  // Its load is half the capacity measured before: a service that sheds every request measures
  // 0 req/s and is sent nothing, and a soak of nothing held every budget below.
  if (f.sent === 0) broken.push('nothing sent: half of the capacity measured was no load');
  else broken.push(...checkServed(f.served));
  if (judgeSlopes && f.rssSlopeBytesPerMin > SOAK_SLOPE_MAX_BYTES_PER_MIN) {
    broken.push(
      `RSS slope ${mib(f.rssSlopeBytesPerMin)}/min > ${mib(SOAK_SLOPE_MAX_BYTES_PER_MIN)}/min`,
    );
  }
  if (f.heapSlopeBytesPerMin === undefined)
    broken.push('no heap figures (/metrics did not answer)');
  else if (judgeSlopes && f.heapSlopeBytesPerMin > SOAK_SLOPE_MAX_BYTES_PER_MIN) {
    broken.push(
      `heap slope ${mib(f.heapSlopeBytesPerMin)}/min > ${mib(SOAK_SLOPE_MAX_BYTES_PER_MIN)}/min`,
    );
  }
  if (Math.abs(f.fdDrift) > SOAK_FD_DRIFT_MAX)
    broken.push(
      `open fds beyond the load's connections drifted by ${f.fdDrift} (budget ±${SOAK_FD_DRIFT_MAX})`,
    );
  if (Math.abs(f.threadDrift) > SOAK_THREAD_DRIFT_MAX) {
    broken.push(`threads drifted by ${f.threadDrift} (budget ±${SOAK_THREAD_DRIFT_MAX})`);
  }
  const failed = f.lost - toleratedSheds(f, shedShareMax);
  if (failed > 0) broken.push(`${failed} requests failed at half capacity`);
  const { skipped = 0 } = f;
  if (skipped > SOAK_SKIPPED_MAX) {
    broken.push(
      `${skipped} of ${f.sent + skipped} arrivals skipped with the load generator's cap of outstanding requests reached (budget ${SOAK_SKIPPED_MAX}): the service fell that far behind at half capacity`,
    );
  }
  const { longestShedMs = 0 } = f;
  if (longestShedMs > SOAK_SHED_EPISODE_MAX_MS) {
    broken.push(
      `shed for ${ms(longestShedMs)} without a 200 between (budget ${ms(SOAK_SHED_EPISODE_MAX_MS)})`,
    );
  }
  return broken;
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
