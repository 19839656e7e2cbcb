import { traceExportFromEnv, UNTRACED_PATHS } from '../src/tracing-config';

describe('whether and where spans are exported', () => {
  it.each([
    [{}, 'off'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'otlp'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: 'console' }, 'console'],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'off'],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, 'off'],
  ])('%j → %s', (env, expected) => {
    expect(traceExportFromEnv(env)).toBe(expected);
  });

  it('never traces scrapes and probes, and traces everything else', () => {
    for (const path of ['/metrics', '/healthz', '/readyz', '/metrics?x=1'])
      expect(UNTRACED_PATHS.test(path)).toBe(true);
    for (const path of ['/cpu/fib?n=1', '/metricsx', '/info', '/'])
      expect(UNTRACED_PATHS.test(path)).toBe(false);
  });
});
