/** Every error the observability tooling throws on purpose (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_OBSERVE_';

/** prometheus.yml has no scrape job, or its jobs and the local targets do not match. */
export class PrometheusConfigError extends Error {
  static readonly code = 'ERR_OBSERVE_PROMETHEUS_CONFIG';
  override readonly name = 'PrometheusConfigError';
  readonly code = PrometheusConfigError.code;
}

export const ERROR_CATALOG = [
  {
    code: PrometheusConfigError.code,
    className: 'PrometheusConfigError',
    meaning:
      'prometheus.yml has no scrape job, or its jobs and the local targets given to rewrite it do not match one to one.',
  },
] as const;
