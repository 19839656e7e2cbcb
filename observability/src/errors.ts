import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the observability tooling throws on purpose (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_OBSERVE_';

/** prometheus.yml has no scrape job, or its jobs and the local targets do not match. */
export class PrometheusConfigError extends coded(
  'ERR_OBSERVE_PROMETHEUS_CONFIG',
  'prometheus.yml does not fit',
) {}

export const ERROR_CATALOG = catalog([
  PrometheusConfigError,
  'prometheus.yml has no scrape job, or its jobs and the local targets given to rewrite it do not match one to one.',
]);
