import { K6Driver, k6Available, k6RunArgs, streamResultsFromK6 } from '../src/drivers/k6-driver';
import type { StreamPlan } from '../src/drivers/load-driver';

const streams: StreamPlan[] = [
  {
    name: 'cpu-background',
    url: 'http://x/cpu/fib?n=32',
    method: 'GET',
    connections: 4,
    rate: undefined,
    measure: false,
  },
  {
    name: 'io-probe',
    url: 'http://x/io/sleep?ms=10',
    method: 'GET',
    connections: 4,
    rate: 100,
    measure: true,
  },
];

describe('the k6 driver', () => {
  it('maps the summary the k6 scripts write onto stream results (a stand-in summary: no k6 here)', () => {
    const results = streamResultsFromK6(
      {
        scenario: 'fairness',
        model: 'threads',
        k6: {
          metrics: {
            'http_req_duration{scenario:io-probe}': {
              values: { avg: 12.5, med: 11, 'p(90)': 15, 'p(95)': 18, 'p(99)': 30, max: 41 },
            },
            'http_req_failed{scenario:io-probe}': {
              values: { rate: 0.01, passes: 10, fails: 990 },
            },
            dropped_iterations: { values: { count: 7 } },
          },
        },
      },
      { streams, durationSeconds: 10 },
    );
    expect(results[1]).toEqual({
      name: 'io-probe',
      measure: true,
      durationSeconds: 10,
      sent: 1000,
      ok: 990,
      failed: 10,
      dropped: 7,
      failures: { failed: 10 },
      rps: 99,
      latencyMs: { p50: 11, p90: 15, p95: 18, p99: 30, max: 41, mean: 12.5 },
    });
    expect(results[0]).toMatchObject({
      name: 'cpu-background',
      measure: false,
      sent: 0,
      dropped: 0,
    });
  });

  it('divides by the whole seconds k6 ran: DURATION is rounded, so 9.6 s ran 10 and 0.25 s ran 1', () => {
    const summary = {
      scenario: 'cpu',
      model: 'async',
      k6: {
        metrics: { 'http_req_failed{scenario:io-probe}': { values: { passes: 0, fails: 1000 } } },
      },
    };
    const rpsOf = (durationSeconds: number) =>
      streamResultsFromK6(summary, { streams, durationSeconds })[1];
    expect(rpsOf(9.6)).toMatchObject({ durationSeconds: 10, rps: 100 });
    expect(rpsOf(0.25)).toMatchObject({ durationSeconds: 1, rps: 1000 });
  });

  it('passes model, lab_scenario and testid as --tag: a --tag replaces the script’s options.tags whole', () => {
    const args = k6RunArgs(
      {
        scenarioId: 'fairness',
        model: 'threads',
        baseUrl: 'http://127.0.0.1:3002',
        durationSeconds: 9.6,
      },
      { scriptsDir: '/repo/load-tests/k6', summaryDir: '/tmp/lab-k6-x' },
      '20250102T030405Z',
    );
    expect(args).toEqual([
      'run',
      '--quiet',
      '--tag',
      'testid=20250102T030405Z',
      '--tag',
      'model=threads',
      '--tag',
      'lab_scenario=fairness',
      '-e',
      'BASE_URL=http://127.0.0.1:3002',
      '-e',
      'MODEL=threads',
      '-e',
      'DURATION=10s',
      '-e',
      'SUMMARY_DIR=/tmp/lab-k6-x',
      '/repo/load-tests/k6/fairness.ts',
    ]);
  });

  it('refuses to start without a k6 binary, with a stable code', () => {
    if (k6Available()) return; // a machine with k6 has nothing to refuse
    expect(() => new K6Driver('/')).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_DRIVER_UNAVAILABLE' }),
    );
  });
});
