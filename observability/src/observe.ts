/**
 * `npm run observe`: the observability stack without Docker. Starts upstream, every model
 * service (the launcher's fleet, on the same ports as in Docker) and — when installed — a real
 * Prometheus with the repository's prometheus.yml, targets rewritten to localhost. Prints where
 * to look; Ctrl-C stops everything.
 *
 * Ports: the registry's (3001…, upstream 3100), PROMETHEUS_PORT (9090); `<MODEL>_PORT` (e.g.
 * ASYNC_PORT) or UPSTREAM_PORT overrides one. PROMETHEUS_BIN picks the binary.
 */
import { portFromEnv, portOverridesFromEnv, startInterruptibly } from '@concurrency-lab/launcher';
import { startLocalStack, type LocalStack } from './local-stack';
import { findPrometheus, noPrometheusLines } from './prometheus-process';

function banner(stack: LocalStack): string {
  const first = stack.models[0]?.service.url ?? '';
  const lines = [
    '',
    'concurrency-lab, observed without Docker (Ctrl-C stops everything)',
    '',
    `  ${'upstream'.padEnd(17)} ${stack.upstream.url}`,
    ...stack.models.map(
      (m) => `  ${m.app.padEnd(17)} ${m.service.url}   metrics: ${m.service.url}/metrics`,
    ),
  ];
  if (stack.prometheus) {
    const p = stack.prometheus.url;
    lines.push(
      `  ${'prometheus'.padEnd(17)} ${p}   targets: ${p}/targets`,
      '',
      `Queries to paste into ${p}/graph (the dashboards' panels, without their filters):`,
      '  sum by (model) (rate(http_server_request_duration_seconds_count[1m]))',
      '  histogram_quantile(0.99, sum by (model, le) (rate(http_server_request_duration_seconds_bucket[1m])))',
      '  sum by (model) (process_resident_memory_bytes)',
      '  max by (model) (nodejs_eventloop_lag_p99_seconds)',
    );
  } else {
    lines.push('', ...noPrometheusLines());
  }
  lines.push(
    '',
    'Give it some load, one model at a time:',
    `  npx autocannon -c 20 -d 20 '${first}/cpu/fib?n=25'`,
    '',
    'Dashboards: observability/grafana/dashboards/*.json import into any Grafana whose',
    'Prometheus datasource has uid `prometheus`; `docker compose up` runs Grafana, Jaeger and the',
    'collector too (README, "With Docker").',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const binary = findPrometheus();
  const portOverrides = portOverridesFromEnv(process.env);
  // Checked as the services' ports are: `Number('abc')` is NaN, which the stack took for "no
  // port asked" and so ran Prometheus on a random one.
  const prometheusPort = portFromEnv(process.env, 'PROMETHEUS_PORT') ?? 9090;
  // Ctrl-C (or SIGTERM) is handled from before the first service spawns: during the start it
  // aborts the start, which stops what already started; after it, it stops the stack.
  const run = startInterruptibly(
    (signal) =>
      startLocalStack({
        signal,
        ports: 'contract',
        portOverrides,
        ...(binary ? { prometheus: { binary, port: prometheusPort } } : {}),
        onUnexpectedExit: (service) => {
          console.error(`${service.name} exited unexpectedly:\n${service.output().slice(-2000)}`);
          void stopAndExit(1);
        },
      }),
    () => process.exit(0),
  );
  // run.stop() never rejects (the stack's stop waits for exits), so neither does this.
  const stopAndExit = (code: number) => run.stop().then(() => process.exit(code));
  const stack = await run.started;
  // Stopped before it was up (a signal): the signal's handler ends the process.
  if (!stack) return;
  const prometheus = stack.prometheus;
  prometheus?.exited.then(
    () => {
      if (run.stopping) return;
      console.error(`prometheus exited unexpectedly:\n${prometheus.output().slice(-2000)}`);
      return stopAndExit(1);
    },
    () => undefined,
  );
  console.log(banner(stack));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
