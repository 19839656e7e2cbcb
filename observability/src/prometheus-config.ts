import { parse, stringify } from 'yaml';
import { PrometheusConfigError } from './errors';

/** The part of prometheus.yml this project reads and rewrites. */
export interface PrometheusConfig {
  global?: { scrape_interval?: string; scrape_timeout?: string; evaluation_interval?: string };
  scrape_configs: ScrapeConfig[];
  [key: string]: unknown;
}

export interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  [key: string]: unknown;
}

export { PrometheusConfigError };

export function parsePrometheusConfig(text: string): PrometheusConfig {
  const config = parse(text) as PrometheusConfig | null;
  if (!config || !Array.isArray(config.scrape_configs) || config.scrape_configs.length === 0) {
    throw new PrometheusConfigError('Expected prometheus.yml to have at least one scrape_config');
  }
  return config;
}

/** The job names, in file order (they are the Nx app names of the model services). */
export function scrapeJobs(text: string): string[] {
  return parsePrometheusConfig(text).scrape_configs.map((job) => job.job_name);
}

export interface LocalizeOptions {
  /** job name → `host:port` where that service runs here. Must name every job, and only those. */
  targets: Record<string, string>;
  /** Overrides every scrape interval (tests scrape every second); the timeout follows it. */
  scrapeInterval?: string;
}

/**
 * The repository's prometheus.yml with each job's static target replaced by a local address —
 * everything else (paths, intervals, flags) stays as the Docker stack has it. A job without a
 * target, or a target for an unknown job, is an error: silently dropping a model would make the
 * dashboards' "every model has data" check pass for the wrong reason.
 */
export function localizePrometheusConfig(text: string, options: LocalizeOptions): string {
  const config = parsePrometheusConfig(text);
  const jobs = config.scrape_configs.map((job) => job.job_name);
  const missing = jobs.filter((job) => !(job in options.targets));
  const unknown = Object.keys(options.targets).filter((job) => !jobs.includes(job));
  if (missing.length > 0 || unknown.length > 0) {
    throw new PrometheusConfigError(
      `Expected a target for each job of prometheus.yml (${jobs.join(', ')}), got none for [${missing.join(', ')}] and unknown jobs [${unknown.join(', ')}]`,
    );
  }
  for (const job of config.scrape_configs) {
    job.static_configs = [{ targets: [options.targets[job.job_name] as string] }];
    if (options.scrapeInterval) {
      delete job.scrape_interval;
      delete job.scrape_timeout;
    }
  }
  if (options.scrapeInterval) {
    config.global = {
      ...config.global,
      scrape_interval: options.scrapeInterval,
      // A scrape may not outlast its interval; Prometheus refuses the config otherwise.
      scrape_timeout: options.scrapeInterval,
      evaluation_interval: options.scrapeInterval,
    };
  }
  return stringify(config);
}
