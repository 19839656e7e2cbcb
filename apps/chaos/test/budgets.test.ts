import { describe, expect, it } from '@jest/globals';
import {
  checkGracefulStop,
  checkServedLoad,
  checkKills,
  checkOverload,
  checkPoolCrash,
  checkRollingRestart,
  checkSoak,
  SOAK_SHED_EPISODE_MAX_MS,
  checkUpstreamFaults,
  killAllowance,
  type GracefulStopFigures,
  type OverloadFigures,
  type ServedLoad,
} from '../src/budgets';
import { CONNECTIONS, OVERLOAD_BOUND, overloadMaxQueue } from '../src/drills/overload';
import { CAPACITY_CONNECTIONS } from '../src/workload';
import { MODELS } from '@concurrency-lab/models';

const MiB = 1024 * 1024;
/** A drill's load that the service served, shedding none; and one it shed all of. */
const SERVED: ServedLoad = { sent: 1200, served: 1200, shed: 0 };
const SHED_ALL: ServedLoad = { sent: 1200, served: 0, shed: 1200 };

describe('checkOverload', () => {
  const holding: OverloadFigures = {
    rssPeak1xBytes: 100 * MiB,
    rssPeak3xBytes: 140 * MiB,
    acceptedP99Ms: 800,
    healthzMaxMs: 120,
    healthzFailed: 0,
    unexpected: 0,
    unanswered: 0,
    refusalsWithoutRetryAfter: 0,
    arrivals: 8000,
    skipped: 40,
    shed3x: 3900,
    sent1x: 2000,
    served1x: 1990,
    served3x: 1950,
  };

  it('holds for bounded memory, a bounded p99, a fast /healthz and polite refusals', () => {
    expect(checkOverload(holding)).toEqual([]);
  });

  it.each([
    [{ rssPeak3xBytes: 151 * MiB }, 'RSS peak at 3× 151.0 MiB > 1.5 × 100.0 MiB at 1×'],
    [{ acceptedP99Ms: 2001 }, 'accepted p99 2001 ms > 2000 ms'],
    [{ acceptedP99Ms: undefined }, 'no request was accepted'],
    [{ healthzMaxMs: 1000 }, '/healthz max 1000 ms (0 failed), budget < 1000 ms'],
    [{ healthzFailed: 1 }, '/healthz max 120 ms (1 failed)'],
    [{ unexpected: 3 }, '3 answers neither 2xx nor 503'],
    [{ unanswered: 2 }, '2 requests got no answer'],
    [{ refusalsWithoutRetryAfter: 1 }, '1 503s without Retry-After'],
    [{ shed3x: 0 }, 'nothing shed at 3× (503 ERR_OVERLOADED + Retry-After): no bound refused'],
    [{ skipped: 801 }, '801 of 8000 arrivals skipped with every connection busy (budget 10 %)'],
    [{ served1x: 499 }, '499 served at 1× (200), below 25 % of the 2000 sent at 1×'],
    [{ served3x: 499 }, '499 served at 3× (200), below 25 % of the 2000 sent at 1×'],
  ])('breaks on %j', (change, message) => {
    expect(checkOverload({ ...holding, ...change })).toEqual([expect.stringContaining(message)]);
  });

  it('allows skipped arrivals up to 10 % (a stall of the shared machine)', () => {
    expect(checkOverload({ ...holding, skipped: 800 })).toEqual([]);
  });

  it('requires each run to serve a quarter of what was sent at 1×, and something', () => {
    expect(checkOverload({ ...holding, served1x: 500, served3x: 500 })).toEqual([]);
    // Refusing almost everything, politely, held every other budget: 1 served of 10,000.
    const refusing = { ...holding, arrivals: 10_000, sent1x: 2500, served1x: 1, served3x: 0 };
    expect(checkOverload({ ...refusing, shed3x: 7499 })).toEqual([
      '1 served at 1× (200), below 25 % of the 2500 sent at 1×: the bound refused the work, not only the excess',
      '0 served at 3× (200), below 25 % of the 2500 sent at 1×: the bound refused the work, not only the excess',
    ]);
    // With nothing sent at 1× (a capacity of 0), the floor is 0: serving nothing still breaks.
    expect(checkOverload({ ...holding, sent1x: 0, served1x: 0, served3x: 0 })).toEqual([
      expect.stringContaining('0 served at 1× (200)'),
      expect.stringContaining('0 served at 3× (200)'),
    ]);
  });

  it('negative control: a service without a working bound breaks it, though every other figure holds', () => {
    // The figures of threads before the fix (MAX_QUEUE 1000 past the 256 connections): it
    // refused nothing, the load generator skipped what its connections could not carry, and
    // p99, memory and /healthz stayed in budget.
    const unbounded: OverloadFigures = {
      ...holding,
      acceptedP99Ms: 1464,
      arrivals: 2340 + 7020, // 1× and 3× at 468 req/s for 5 s
      skipped: 4071,
      shed3x: 0,
    };
    expect(checkOverload(unbounded)).toEqual([
      'nothing shed at 3× (503 ERR_OVERLOADED + Retry-After): no bound refused',
      '4071 of 9360 arrivals skipped with every connection busy (budget 10 %): the service held more than its bound',
    ]);
  });

  it('sets the services a bound, all processes together, a quarter of the connections', () => {
    expect(OVERLOAD_BOUND).toBe(CONNECTIONS / 4);
    expect(overloadMaxQueue('cluster', 2)).toBe(32);
    for (const workers of [1, 2, 3, 8, 64]) {
      for (const { model, http } of MODELS) {
        if (http === 'worker processes') {
          // cluster and hybrid: WORKERS processes, each with this bound, stay within it.
          expect(overloadMaxQueue(model, workers) * workers).toBeLessThanOrEqual(OVERLOAD_BOUND);
          expect(overloadMaxQueue(model, workers)).toBeGreaterThanOrEqual(1);
        } else {
          // One process holds the whole bound, whatever WORKERS: never below what the capacity
          // measurement keeps in flight, or the capacity (and soak's load) would be a fraction.
          expect(overloadMaxQueue(model, workers)).toBe(OVERLOAD_BOUND);
          expect(overloadMaxQueue(model, workers)).toBeGreaterThanOrEqual(CAPACITY_CONNECTIONS);
        }
      }
    }
  });
});

describe('checkServedLoad', () => {
  it('holds for a load served, up to a tenth of it shed', () => {
    expect(checkServedLoad(SERVED)).toEqual([]);
    expect(checkServedLoad({ sent: 1000, served: 900, shed: 100 })).toEqual([]);
  });

  it('breaks where nothing was served, or more than a tenth was shed', () => {
    // Refused some other way (every request lost): the drill's own losses say so as well.
    expect(checkServedLoad({ sent: 1000, served: 0, shed: 0 })).toEqual([
      'no 200: the service served nothing',
    ]);
    // A few served, the rest shed: not lost by the drills' count, and no longer unjudged.
    expect(checkServedLoad({ sent: 1000, served: 899, shed: 101 })).toEqual([
      '101 of 1000 requests shed (503 ERR_OVERLOADED + Retry-After; budget 10 %)',
    ]);
  });
});

describe('checkKills', () => {
  it('allows each kill what was in flight on the process it killed, and no more', () => {
    const first = { inFlight: 5, lost: 5, recoveryMs: 300 };
    const second = { inFlight: 4, lost: 3, recoveryMs: 1999 };
    expect(checkKills({ kills: [first, second], lostBeforeFirstKill: 0, load: SERVED })).toEqual(
      [],
    );
    expect(
      checkKills({ kills: [first, { ...second, lost: 5 }], lostBeforeFirstKill: 0, load: SERVED }),
    ).toEqual(['kill 2: lost 5 > 4 in flight on the killed process']);
  });

  it("does not let one kill's allowance cover another's losses", () => {
    // A real run: the second kill hit a replacement with no connections (may lose 0) and lost
    // 32 requests; the third lost none of its 32. 47 lost of 47 allowed in all — broken still.
    const kills = [
      { inFlight: 15, lost: 15, recoveryMs: 300 },
      { inFlight: 0, lost: 32, recoveryMs: 300 },
      { inFlight: 32, lost: 0, recoveryMs: 300 },
    ];
    expect(checkKills({ kills, lostBeforeFirstKill: 0, load: SERVED })).toEqual([
      'kill 2: lost 32 > 0 in flight on the killed process',
    ]);
  });

  it('allows nothing lost before the first kill', () => {
    const kills = [{ inFlight: 9, lost: 0, recoveryMs: 300 }];
    expect(checkKills({ kills, lostBeforeFirstKill: 2, load: SERVED })).toEqual([
      'lost 2 before the first kill (budget 0)',
    ]);
  });

  it('allows a killed HTTP worker its connections’ requests, a killed pool process its one task', () => {
    expect(killAllowance({ servesHttp: true, inFlightOnIt: 14 })).toBe(14);
    // procpool under the drill's 32 connections: ~30 in flight, of which the process ran one.
    expect(killAllowance({ servesHttp: false, inFlight: 30 })).toBe(1);
    expect(killAllowance({ servesHttp: false, inFlight: 0 })).toBe(0);
    // Three pool-process kills, one of which lost 2 requests: more than its task.
    const kills = [30, 31, 29].map((inFlight, i) => ({
      inFlight: killAllowance({ servesHttp: false, inFlight }),
      lost: i === 1 ? 2 : 1,
      recoveryMs: 300,
    }));
    expect(
      checkKills({
        kills: kills.map((k) => ({ ...k, lost: 1 })),
        lostBeforeFirstKill: 0,
        load: SERVED,
      }),
    ).toEqual([]);
    expect(checkKills({ kills, lostBeforeFirstKill: 0, load: SERVED })).toEqual([
      'kill 2: lost 2 > 1 in flight on the killed process',
    ]);
  });

  it('breaks on a recovery of 2 s or more, or none', () => {
    expect(
      checkKills({
        kills: [
          { inFlight: 1, lost: 0, recoveryMs: 2000 },
          { inFlight: 1, lost: 0, recoveryMs: undefined },
        ],
        lostBeforeFirstKill: 0,
        load: SERVED,
      }),
    ).toEqual(['kill 1: recovery 2000 ms ≥ 2000 ms', 'kill 2: never recovered']);
  });

  it('breaks where the service served nothing: shedding every request, it lost nothing to a kill', () => {
    const kills = [{ inFlight: 16, lost: 0, recoveryMs: 300 }];
    expect(checkKills({ kills, lostBeforeFirstKill: 0, load: SHED_ALL })).toEqual([
      'no 200: the service served nothing',
      '1200 of 1200 requests shed (503 ERR_OVERLOADED + Retry-After; budget 10 %)',
    ]);
  });
});

describe('checkPoolCrash', () => {
  const crashAnswers = [{ status: 500, code: 'ERR_WORKER_CRASHED' }];
  it('holds when only the crashing request fails, coded, and the pool recovers', () => {
    expect(
      checkPoolCrash({
        crashes: 1,
        crashAnswers,
        othersLost: 0,
        processSurvived: true,
        recoveryMs: 40,
        load: SERVED,
      }),
    ).toEqual([]);
  });

  it('breaks on an uncoded 500, a 200, a dead process, other failures or no recovery', () => {
    const broken = checkPoolCrash({
      crashes: 3,
      crashAnswers: [
        { status: 500, code: 'ERR_INTERNAL' },
        { status: 200, code: undefined },
        { status: undefined, code: undefined },
      ],
      othersLost: 2,
      processSurvived: false,
      recoveryMs: undefined,
      load: SERVED,
    });
    expect(broken).toEqual([
      'the service process died',
      '3 of 3 crashing requests not 500 ERR_WORKER_CRASHED (500 ERR_INTERNAL, 200, no answer)',
      '2 other requests failed',
      'the pool never came back to full size',
    ]);
  });

  it.each([
    [{ status: 503, code: 'ERR_SHUTTING_DOWN' }, '503 ERR_SHUTTING_DOWN'],
    [{ status: 500, code: 'ERR_WORK_FAILED' }, '500 ERR_WORK_FAILED'],
    [{ status: 502, code: 'ERR_WORKER_CRASHED' }, '502 ERR_WORKER_CRASHED'],
  ])('breaks on any other coded 5xx than 500 ERR_WORKER_CRASHED: %j', (answer, shown) => {
    expect(
      checkPoolCrash({
        crashes: 2,
        crashAnswers: [{ status: 500, code: 'ERR_WORKER_CRASHED' }, answer],
        othersLost: 0,
        processSurvived: true,
        recoveryMs: 40,
        load: SERVED,
      }),
    ).toEqual([`1 of 2 crashing requests not 500 ERR_WORKER_CRASHED (${shown})`]);
  });

  it('breaks where the background load was never served (every request shed)', () => {
    const crashed = { crashes: 1, crashAnswers, othersLost: 0, processSurvived: true };
    expect(checkPoolCrash({ ...crashed, recoveryMs: 40, load: SHED_ALL })).toEqual([
      'no 200: the service served nothing',
      '1200 of 1200 requests shed (503 ERR_OVERLOADED + Retry-After; budget 10 %)',
    ]);
  });
});

describe('checkRollingRestart and checkGracefulStop', () => {
  /** A clean drain: 32 in flight at SIGTERM, exit 0 in 0.9 s, nothing left running. */
  const stop: GracefulStopFigures = {
    lost: 0,
    refusedSentBefore: 0,
    exitCode: 0,
    exitMs: 900,
    exitWaitMs: 18_000,
    shutdownTimeoutMs: 10_000,
    inFlightAtSignal: 32,
    answeredBeforeSignal: 150,
    leftRunning: [],
  };

  it('allow no failure at all', () => {
    expect(checkRollingRestart({ failed: 0, replacedMs: 4000, load: SERVED })).toEqual([]);
    expect(checkRollingRestart({ failed: 1, replacedMs: undefined, load: SERVED })).toEqual([
      '1 requests failed during the rolling restart (budget 0)',
      'not every worker was replaced',
    ]);
    expect(checkGracefulStop(stop)).toEqual([]);
    expect(checkGracefulStop({ ...stop, lost: 2, exitCode: 1, exitMs: 10_001 })).toEqual([
      '2 requests were not answered (refused before SIGTERM, or accepted and dropped)',
      'exit code 1, expected 0',
      'exit after 10.0 s > SHUTDOWN_TIMEOUT_MS 10.0 s',
    ]);
  });

  it('rolling restart: breaks where the service served nothing (every request shed)', () => {
    expect(checkRollingRestart({ failed: 0, replacedMs: 4000, load: SHED_ALL })).toEqual([
      'no 200: the service served nothing',
      '1200 of 1200 requests shed (503 ERR_OVERLOADED + Retry-After; budget 10 %)',
    ]);
  });

  it('graceful stop: breaks on 503s to requests sent before SIGTERM, an exit that never came, processes left running', () => {
    expect(checkGracefulStop({ ...stop, refusedSentBefore: 32 })).toEqual([
      '32 requests sent before SIGTERM answered 503: the drain must finish them (only requests arriving while it drains may be refused)',
    ]);
    // Never exited: SIGKILLed, so its exit code (null) is the drill's kill, not its own.
    expect(checkGracefulStop({ ...stop, exitCode: null, exitMs: undefined })).toEqual([
      'did not exit within 18.0 s of SIGTERM (SHUTDOWN_TIMEOUT_MS 10.0 s): SIGKILLed',
    ]);
    expect(checkGracefulStop({ ...stop, leftRunning: [4242] })).toEqual([
      '1 process of its tree still running after it exited (pid 4242): SIGKILLed',
    ]);
    expect(checkGracefulStop({ ...stop, leftRunning: [4242, 4243] })).toEqual([
      '2 processes of its tree still running after it exited (pid 4242, 4243): SIGKILLed',
    ]);
  });

  it('graceful stop: breaks where there was nothing to drain, or nothing served before SIGTERM', () => {
    // A service that refuses every connection loses nothing it accepted and exits 0 at once.
    const refusing: GracefulStopFigures = {
      ...stop,
      exitMs: 5,
      inFlightAtSignal: 0,
      answeredBeforeSignal: 0,
    };
    expect(checkGracefulStop(refusing)).toEqual([
      'no request in flight at SIGTERM: nothing to drain',
      'no 200 before SIGTERM: the service served nothing',
    ]);
    expect(checkGracefulStop({ ...refusing, inFlightAtSignal: 1 })).toEqual([
      'no 200 before SIGTERM: the service served nothing',
    ]);
    expect(checkGracefulStop({ ...refusing, answeredBeforeSignal: 1 })).toEqual([
      'no request in flight at SIGTERM: nothing to drain',
    ]);
    expect(
      checkGracefulStop({ ...refusing, inFlightAtSignal: 1, answeredBeforeSignal: 1 }),
    ).toEqual([]);
  });
});

describe('checkUpstreamFaults', () => {
  const statuses = new Map([
    [200, 50],
    [502, 3],
    [504, 1],
  ]);
  it('holds for 200s with per-page errors and 502/504 problems', () => {
    expect(
      checkUpstreamFaults({
        statuses,
        unanswered: 0,
        refusalsWithoutRetryAfter: 0,
        pageErrors: 12,
        acceptedMaxMs: 5200,
      }),
    ).toEqual([]);
  });

  it('breaks on a 200 slower than twice the per-page timeout: a scraper that ignores it', () => {
    const figures = { statuses, unanswered: 0, refusalsWithoutRetryAfter: 0, pageErrors: 12 };
    // Every scrape waited out a 6 s spike per page, in turn: 20 s.
    expect(checkUpstreamFaults({ ...figures, acceptedMaxMs: 20_000 })).toEqual([
      'slowest 200 took 20.0 s > 10.0 s: twice the 5000 ms per-page timeout',
    ]);
    // negative controls: up to the bound, or no 200 at all (judged by the per-page errors)
    expect(checkUpstreamFaults({ ...figures, acceptedMaxMs: 10_000 })).toEqual([]);
    expect(checkUpstreamFaults({ ...figures, acceptedMaxMs: undefined })).toEqual([]);
  });

  it('breaks on a 500, a hang, or faults that never happened', () => {
    const with500 = new Map([...statuses, [500, 2]]);
    expect(
      checkUpstreamFaults({
        statuses: with500,
        unanswered: 1,
        refusalsWithoutRetryAfter: 0,
        pageErrors: 0,
        acceptedMaxMs: 4000,
      }),
    ).toEqual([
      'answers outside 200/502/503/504: 500 × 2',
      '1 requests hung or got no answer',
      'no per-page error seen: the upstream faults did not happen',
    ]);
  });
});

describe('checkSoak', () => {
  const flat = {
    rssSlopeBytesPerMin: 0.4 * MiB,
    heapSlopeBytesPerMin: -0.1 * MiB,
    fdDrift: 3,
    threadDrift: 0,
    lost: 0,
    sent: 4000,
    served: 4000,
  };
  it('holds for slopes under 1 MiB/min and flat descriptors and threads', () => {
    expect(checkSoak(flat)).toEqual([]);
  });

  it('breaks on a leak of memory, descriptors or threads, or on failures', () => {
    expect(
      checkSoak({
        rssSlopeBytesPerMin: 1.5 * MiB,
        heapSlopeBytesPerMin: 2 * MiB,
        fdDrift: -9,
        threadDrift: 3,
        lost: 1,
        sent: 4000,
        served: 3999,
      }),
    ).toEqual([
      'RSS slope 1.5 MiB/min > 1.0 MiB/min',
      'heap slope 2.0 MiB/min > 1.0 MiB/min',
      "open fds beyond the load's connections drifted by -9 (budget ±8)",
      'threads drifted by 3 (budget ±2)',
      '1 requests failed at half capacity',
    ]);
    expect(checkSoak({ ...flat, heapSlopeBytesPerMin: undefined })).toEqual([
      'no heap figures (/metrics did not answer)',
    ]);
  });

  it('in a quick run judges failures, descriptors and threads, not the slopes', () => {
    const growing = { ...flat, rssSlopeBytesPerMin: 30 * MiB, heapSlopeBytesPerMin: 10 * MiB };
    expect(checkSoak(growing, false)).toEqual([]);
    // the same figures in a full run break the budget
    expect(checkSoak(growing)).toEqual([
      'RSS slope 30.0 MiB/min > 1.0 MiB/min',
      'heap slope 10.0 MiB/min > 1.0 MiB/min',
    ]);
    expect(checkSoak({ ...growing, fdDrift: 9, lost: 2 }, false)).toEqual([
      "open fds beyond the load's connections drifted by 9 (budget ±8)",
      '2 requests failed at half capacity',
    ]);
  });

  it('tolerates sheds up to the given share of requests, never another failure', () => {
    const shedding = { ...flat, lost: 7, shed: 7, sent: 4232, served: 4225 };
    expect(checkSoak(shedding, false, 0.01)).toEqual([]);
    // negative controls: the full run tolerates none; past the share, the rest count
    expect(checkSoak(shedding)).toEqual(['7 requests failed at half capacity']);
    expect(checkSoak({ ...shedding, lost: 60, shed: 60 }, false, 0.01)).toEqual([
      '18 requests failed at half capacity',
    ]);
    // a failure that is not a shed (a 500, a reset) is never tolerated
    expect(checkSoak({ ...shedding, lost: 8 }, false, 0.01)).toEqual([
      '1 requests failed at half capacity',
    ]);
  });

  it('tolerates sheds only in episodes as short as a passing stall', () => {
    const shedding = { ...flat, lost: 39, shed: 39, sent: 3709, served: 3670 };
    expect(checkSoak({ ...shedding, longestShedMs: 400 }, false, 0.05)).toEqual([]);
    expect(
      checkSoak({ ...shedding, longestShedMs: SOAK_SHED_EPISODE_MAX_MS }, false, 0.05),
    ).toEqual([]);
    // negative control: the same sheds in one episode past the budget break it
    expect(checkSoak({ ...shedding, longestShedMs: 2300 }, false, 0.05)).toEqual([
      'shed for 2300 ms without a 200 between (budget 2000 ms)',
    ]);
  });

  it('breaks on arrivals skipped with the cap of outstanding requests reached', () => {
    // A service stalled at half capacity: 1,000 outstanding, all answered 200 in the end, and
    // 1,400 more arrivals never sent — failures nowhere else in the figures.
    expect(checkSoak({ ...flat, sent: 1000, served: 1000, skipped: 1400 })).toEqual([
      "1400 of 2400 arrivals skipped with the load generator's cap of outstanding requests reached (budget 0): the service fell that far behind at half capacity",
    ]);
    expect(checkSoak({ ...flat, sent: 2400, served: 2400, skipped: 0 })).toEqual([]);
  });

  it('breaks where nothing was sent (a capacity of 0) or nothing served', () => {
    // A service that sheds every request measures a capacity of 0: half of it sends nothing.
    expect(checkSoak({ ...flat, sent: 0, served: 0 })).toEqual([
      'nothing sent: half of the capacity measured was no load',
    ]);
    // Sheds tolerated (--quick's share) and short episodes: only the missing 200s break it.
    expect(checkSoak({ ...flat, sent: 3, served: 0, lost: 3, shed: 3 }, false, 1)).toEqual([
      'no 200: the service served nothing',
    ]);
    // negative control: one served is something served
    expect(checkSoak({ ...flat, sent: 3, served: 1, lost: 2, shed: 2 }, false, 1)).toEqual([]);
  });
});
