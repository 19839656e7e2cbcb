import { Fleet, type RunningModel, type ServiceProcess } from '@concurrency-lab/launcher';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { localizePrometheusConfig } from './prometheus-config';
import { startPrometheus, type PrometheusProcess } from './prometheus-process';
import { observabilityDir } from './repo-paths';

export interface LocalStack {
  readonly upstream: ServiceProcess;
  /**
   * Every model of the registry (prometheus.yml has one job per model; a test holds them
   * equal).
   */
  readonly models: readonly RunningModel[];
  /** Absent when no Prometheus binary was given. */
  readonly prometheus: PrometheusProcess | undefined;
  /** The prometheus.yml Prometheus runs: the repository's, with local targets. */
  readonly prometheusConfig: string;
  /** Stops Prometheus and every service; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /**
   * `contract`: the registry's ports, as Docker uses them; `free`: any free port.
   * @default 'free'
   */
  ports?: 'free' | 'contract';
  /** A port per app (`upstream`, `async-service`, …), over `ports`. */
  portOverrides?: Record<string, number>;
  /** Extra environment for every model service (WORKERS, MAX_QUEUE, …). */
  modelEnv?: Record<string, string>;
  /** Runs Prometheus when given; port 0 or absent = any free port. */
  prometheus?: { binary: string; port?: number };
  /** Overrides prometheus.yml's scrape interval (the integration test scrapes every second). */
  scrapeInterval?: string;
  /** A service exited while the stack was up. */
  onUnexpectedExit?: (service: ServiceProcess) => void;
  /** Aborts the start (Ctrl-C): what started is stopped, and the start rejects. */
  signal?: AbortSignal;
}

/**
 * Starts upstream and every model service (the launcher's fleet) and, optionally, a real
 * Prometheus scraping them with the repository's configuration. If anything fails to start,
 * whatever did start is stopped before the error is rethrown — nothing is left running.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const repoConfig = readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8');
  const fleet = await Fleet.start({
    ports: options.ports ?? 'free',
    ...(options.portOverrides ? { portOverrides: options.portOverrides } : {}),
    ...(options.modelEnv ? { modelEnv: options.modelEnv } : {}),
    ...(options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let prometheus: PrometheusProcess | undefined;
  const stop = async () => {
    await prometheus?.stop();
    await fleet.stop();
  };
  try {
    // Aborted while the fleet came up: stop it rather than start Prometheus beside it.
    options.signal?.throwIfAborted();
    const prometheusConfig = localizePrometheusConfig(repoConfig, {
      targets: Object.fromEntries(fleet.models.map((m) => [m.app, `127.0.0.1:${m.service.port}`])),
      ...(options.scrapeInterval ? { scrapeInterval: options.scrapeInterval } : {}),
    });
    if (options.prometheus) {
      prometheus = await startPrometheus({
        binary: options.prometheus.binary,
        configText: prometheusConfig,
        port: options.prometheus.port || (await freePort()),
      });
    }
    const upstream = fleet.upstream as ServiceProcess;
    return { upstream, models: fleet.models, prometheus, prometheusConfig, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
