/**
 * `npm run observe`: the observability stack without Docker. Starts upstream, every model
 * service that prometheus.yml scrapes (on the same ports as in Docker) and — when installed —
 * a real Prometheus with that same prometheus.yml, targets rewritten to localhost. Prints where
 * to look; Ctrl-C stops everything.
 *
 * Ports: the ones in prometheus.yml's targets (3001…), UPSTREAM_PORT (3100), PROMETHEUS_PORT
 * (9090); `<MODEL>_PORT` (e.g. ASYNC_PORT) overrides a model's. PROMETHEUS_BIN picks the binary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, modelOf, type LocalStack } from './local-stack';
import { parsePrometheusConfig } from './prometheus-config';
import { findPrometheus } from './prometheus-process';
import { observabilityDir } from './repo-paths';

/** Each app's port: `<MODEL>_PORT`, else the port of its Docker target in prometheus.yml. */
function contractPorts(env: NodeJS.ProcessEnv): Record<string, number> {
  const config = parsePrometheusConfig(
    readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8'),
  );
  const ports: Record<string, number> = { upstream: Number(env['UPSTREAM_PORT'] ?? 3100) };
  for (const job of config.scrape_configs) {
    const target = job.static_configs?.[0]?.targets[0] ?? '';
    const override = env[`${modelOf(job.job_name).toUpperCase()}_PORT`];
    ports[job.job_name] = Number(override ?? target.split(':')[1] ?? 0);
  }
  return ports;
}

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
    lines.push(
      '',
      'Prometheus is not installed, so only the services run. Install it (Debian:',
      '`sudo apt-get install prometheus`) or set PROMETHEUS_BIN, then run this again.',
    );
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
  const stack = await startLocalStack({
    ports: contractPorts(process.env),
    ...(binary
      ? { prometheus: { binary, port: Number(process.env['PROMETHEUS_PORT'] ?? 9090) } }
      : {}),
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  for (const s of [stack.upstream, ...stack.models.map((m) => m.service)]) {
    void s.exited.then((status) => {
      if (stopping) return;
      console.error(`${s.name} exited unexpectedly (${status}):\n${s.output().slice(-2000)}`);
      void stop(1);
    });
  }
  void stack.prometheus?.exited.then(() => {
    if (stopping) return;
    console.error(`prometheus exited unexpectedly:\n${stack.prometheus?.output().slice(-2000)}`);
    void stop(1);
  });
  console.log(banner(stack));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
