import { remoteWrite, type Series } from './remote-write';

/**
 * What k6's `experimental-prometheus-rw` output pushes while load-tests/k6/cpu.ts runs against
 * each model. k6 itself cannot run here (no binary on this machine), so these series stand in
 * for it; they travel through Prometheus's real remote-write receiver.
 *
 * Names follow k6's mapping (counter → `_total`, rate → `_rate`, each trend stat → `_<stat>`, in
 * seconds) with K6_PROMETHEUS_RW_TREND_STATS=p(50),p(95),p(99),avg,max as docker-compose.yml
 * sets it. Labels are the tags the load-tests scripts set (load-tests/k6/lib/plan.ts: `model`,
 * `lab_scenario` and `testid` on every metric; `measure` on each stream's) plus k6's own
 * (`scenario` = the stream's name, `method`, `name`, `status`, `expected_response`).
 */
export function k6RunSeries(
  models: readonly string[],
  testid: string,
  tick: number,
  timestampMs: number,
): Series[] {
  const series: Series[] = [];
  models.forEach((model, m) => {
    const run = { model, lab_scenario: 'cpu', testid };
    const stream = { ...run, scenario: 'fib', measure: 'true' };
    const http = {
      ...stream,
      method: 'GET',
      name: '/cpu/fib',
      status: '200',
      expected_response: 'true',
    };
    const sample = (name: string, labels: Record<string, string>, value: number) =>
      series.push({ labels: { __name__: name, ...labels }, samples: [{ timestampMs, value }] });
    sample('k6_http_reqs_total', http, (tick + 1) * 100 * (m + 1));
    sample('k6_http_req_failed_rate', http, 0.01 * m);
    sample('k6_checks_rate', { ...stream, check: 'status is 2xx' }, 1 - 0.01 * m);
    sample('k6_dropped_iterations_total', { ...run, scenario: 'fib' }, tick * 10 * m);
    sample('k6_vus', run, 8);
    const stats = { p50: 0.01, p95: 0.05, p99: 0.08, avg: 0.02, max: 0.2 };
    for (const [stat, seconds] of Object.entries(stats)) {
      sample(`k6_http_req_duration_${stat}`, http, seconds * (m + 1));
    }
  });
  return series;
}

/**
 * Pushes ten seconds of history at once, then one sample per series every second — as k6 does
 * during a run (its push interval) — until stopped. Any refused push fails `stop()`.
 */
export async function startK6StandIn(
  prometheusUrl: string,
  models: readonly string[],
  testid: string,
): Promise<{ stop(): Promise<void> }> {
  const start = Date.now();
  let tick = 0;
  let failure: Error | undefined;
  const push = async (series: Series[]) => {
    const { status, body } = await remoteWrite(prometheusUrl, series);
    if (status !== 204) throw new Error(`remote write answered ${status}: ${body}`);
  };
  await push(
    Array.from({ length: 10 }, () => tick++).flatMap((t) =>
      k6RunSeries(models, testid, t, start - (9 - t) * 1000),
    ),
  );
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    const t = tick++;
    pending = pending
      .then(() => push(k6RunSeries(models, testid, t, start + (t - 9) * 1000)))
      .catch((e: Error) => {
        failure ??= e;
      });
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      if (failure) throw failure;
    },
  };
}
