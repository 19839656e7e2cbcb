import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { localizePrometheusConfig, scrapeJobs } from './prometheus-config';
import { startPrometheus, type PrometheusProcess } from './prometheus-process';
import { appEntry, observabilityDir } from './repo-paths';
import { startService, type ServiceProcess } from './service-process';

/** A model service started from a job of prometheus.yml. */
export interface ModelService {
  /** The scrape job and Nx app name, e.g. `threads-service`. */
  readonly app: string;
  /** The contract's `model` label, e.g. `threads`. */
  readonly model: string;
  readonly service: ServiceProcess;
}

export interface LocalStack {
  readonly upstream: ServiceProcess;
  readonly models: readonly ModelService[];
  /** Absent when no Prometheus binary was given. */
  readonly prometheus: PrometheusProcess | undefined;
  /** The prometheus.yml Prometheus runs: the repository's, with local targets. */
  readonly prometheusConfig: string;
  /** Stops Prometheus and every service; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Port per app (`upstream`, `async-service`, …); 0 or absent = any free port. */
  ports?: Record<string, number>;
  /** Extra environment for every model service (WORKERS, MAX_QUEUE, …). */
  modelEnv?: Record<string, string>;
  /** Runs Prometheus when given; port 0 or absent = any free port. */
  prometheus?: { binary: string; port?: number };
  /** Overrides prometheus.yml's scrape interval (the integration test scrapes every second). */
  scrapeInterval?: string;
}

/** The model label of an app: the contract names `<model>-service` after its model. */
export function modelOf(app: string): string {
  return app.replace(/-service$/, '');
}

/**
 * Starts upstream, every model service that prometheus.yml scrapes, and (optionally) a real
 * Prometheus scraping them with the repository's configuration. If anything fails to start,
 * whatever did start is stopped before the error is rethrown — nothing is left running.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const repoConfig = readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8');
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    const all = started.splice(0).reverse();
    await Promise.all(all.map((process) => process.stop()));
  };
  try {
    const upstream = await startService('upstream', appEntry('upstream'), {
      env: { PORT: String(ports['upstream'] ?? 0) },
    });
    started.push(upstream);

    const results = await Promise.allSettled(
      scrapeJobs(repoConfig).map(async (app): Promise<ModelService> => {
        const service = await startService(app, appEntry(app), {
          env: { ...options.modelEnv, PORT: String(ports[app] ?? 0), UPSTREAM_URL: upstream.url },
        });
        started.push(service);
        return { app, model: modelOf(app), service };
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const models = results.map((r) => (r as PromiseFulfilledResult<ModelService>).value);

    const prometheusConfig = localizePrometheusConfig(repoConfig, {
      targets: Object.fromEntries(models.map((m) => [m.app, `127.0.0.1:${m.service.port}`])),
      ...(options.scrapeInterval ? { scrapeInterval: options.scrapeInterval } : {}),
    });
    let prometheus: PrometheusProcess | undefined;
    if (options.prometheus) {
      prometheus = await startPrometheus({
        binary: options.prometheus.binary,
        configText: prometheusConfig,
        port: options.prometheus.port || (await freePort()),
      });
      started.push(prometheus);
    }
    return { upstream, models, prometheus, prometheusConfig, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
