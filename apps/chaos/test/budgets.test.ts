import { describe, expect, it } from '@jest/globals';
import {
  checkGracefulStop,
  checkKills,
  checkOverload,
  checkPoolCrash,
  checkRollingRestart,
  checkSoak,
  SOAK_SHED_EPISODE_MAX_MS,
  checkUpstreamFaults,
  type OverloadFigures,
} from '../src/budgets';

const MiB = 1024 * 1024;

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
  ])('breaks on %j', (change, message) => {
    expect(checkOverload({ ...holding, ...change })).toEqual([expect.stringContaining(message)]);
  });
});

describe('checkKills', () => {
  it('allows losing what was in flight on the killed workers, and no more', () => {
    const kills = [
      { inFlight: 5, recoveryMs: 300 },
      { inFlight: 4, recoveryMs: 1999 },
    ];
    expect(checkKills({ kills, lost: 9 })).toEqual([]);
    expect(checkKills({ kills, lost: 10 })).toEqual([
      'lost 10 > 9 in flight on the killed workers',
    ]);
  });

  it('breaks on a recovery of 2 s or more, or none', () => {
    expect(
      checkKills({
        kills: [
          { inFlight: 1, recoveryMs: 2000 },
          { inFlight: 1, recoveryMs: undefined },
        ],
        lost: 0,
      }),
    ).toEqual(['kill 1: recovery 2000 ms ≥ 2000 ms', 'kill 2: never recovered']);
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
    });
    expect(broken).toEqual([
      'the service process died',
      '3 of 3 crashing requests not a coded 5xx problem (500 ERR_INTERNAL, 200, no answer)',
      '2 other requests failed',
      'the pool never came back to full size',
    ]);
  });
});

describe('checkRollingRestart and checkGracefulStop', () => {
  it('allow no failure at all', () => {
    expect(checkRollingRestart({ failed: 0, replacedMs: 4000 })).toEqual([]);
    expect(checkRollingRestart({ failed: 1, replacedMs: undefined })).toEqual([
      '1 requests failed during the rolling restart (budget 0)',
      'not every worker was replaced',
    ]);
    const stop = { lost: 0, exitCode: 0, exitMs: 900, shutdownTimeoutMs: 10_000 };
    expect(checkGracefulStop(stop)).toEqual([]);
    expect(checkGracefulStop({ ...stop, lost: 2, exitCode: 1, exitMs: 10_001 })).toEqual([
      '2 accepted requests were not answered',
      'exit code 1, expected 0',
      'exit after 10.0 s > SHUTDOWN_TIMEOUT_MS 10.0 s',
    ]);
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
      }),
    ).toEqual([]);
  });

  it('breaks on a 500, a hang, or faults that never happened', () => {
    const with500 = new Map([...statuses, [500, 2]]);
    expect(
      checkUpstreamFaults({
        statuses: with500,
        unanswered: 1,
        refusalsWithoutRetryAfter: 0,
        pageErrors: 0,
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
      }),
    ).toEqual([
      'RSS slope 1.5 MiB/min > 1.0 MiB/min',
      'heap slope 2.0 MiB/min > 1.0 MiB/min',
      'open fds drifted by -9 (budget ±8)',
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
      'open fds drifted by 9 (budget ±8)',
      '2 requests failed at half capacity',
    ]);
  });

  it('tolerates sheds up to the given share of requests, never another failure', () => {
    const shedding = { ...flat, lost: 7, shed: 7, sent: 4232 };
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
    const shedding = { ...flat, lost: 39, shed: 39, sent: 3709 };
    expect(checkSoak({ ...shedding, longestShedMs: 400 }, false, 0.05)).toEqual([]);
    expect(
      checkSoak({ ...shedding, longestShedMs: SOAK_SHED_EPISODE_MAX_MS }, false, 0.05),
    ).toEqual([]);
    // negative control: the same sheds in one episode past the budget break it
    expect(checkSoak({ ...shedding, longestShedMs: 2300 }, false, 0.05)).toEqual([
      'shed for 2300 ms without a 200 between (budget 2000 ms)',
    ]);
  });
});
