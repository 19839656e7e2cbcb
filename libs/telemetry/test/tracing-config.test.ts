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
    // As the SDK reads them: OTEL_SDK_DISABLED trimmed and in any case…
    [{ OTEL_SDK_DISABLED: ' TRUE ', OTEL_TRACES_EXPORTER: 'otlp' }, 'off'],
    [{ OTEL_SDK_DISABLED: 'yes', OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
    // …the exporter list trimmed, `null` and empty names dropped, zipkin known…
    [{ OTEL_TRACES_EXPORTER: ' , zipkin' }, 'zipkin'],
    [{ OTEL_TRACES_EXPORTER: 'null, console' }, 'console'],
    // …and `none` among others meaning the SDK's default, otlp.
    [{ OTEL_TRACES_EXPORTER: 'console,none' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: '  ', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, 'off'],
  ])('%j → %s', (env, expected) => {
    expect(traceExportFromEnv(env)).toBe(expected);
  });

  it.each(['OTLP', 'jaeger', 'Console,foo'])(
    'refuses %s, with no name the SDK knows (it reads them case-sensitively)',
    (exporter) => {
      expect(() => traceExportFromEnv({ OTEL_TRACES_EXPORTER: exporter })).toThrow(
        expect.objectContaining({ code: 'ERR_TELEMETRY_CONFIG' }) as Error,
      );
    },
  );

  it.each([
    ['otlp,jaeger', 'otlp', 'jaeger'],
    ['jaeger, zipkin', 'zipkin', 'jaeger'],
    ['otlp,Console', 'otlp', 'Console'],
  ])(
    'takes %s as the SDK does: the names it knows, a warning for the others',
    (exporter, expected, unknown) => {
      const warnings: Array<{ code: string; message: string }> = [];
      expect(traceExportFromEnv({ OTEL_TRACES_EXPORTER: exporter }, (w) => warnings.push(w))).toBe(
        expected,
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: 'ERR_TELEMETRY_CONFIG' });
      expect(warnings[0]?.message).toContain(`${unknown} is not an exporter`);
      expect(warnings[0]?.message).toContain(`ignored, exporting to ${expected}`);
    },
  );

  it.each([
    // `null` is a name the SDK drops before reading the list: left, the SDK's default (otlp,
    // which an endpoint turns on here), and no warning about a name it does not know.
    [{ OTEL_TRACES_EXPORTER: 'null', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: 'null' }, 'off'],
    [{ OTEL_TRACES_EXPORTER: 'null,console' }, 'console'],
    [{ OTEL_TRACES_EXPORTER: 'null , null' }, 'off'],
  ])('drops `null` from %j as the SDK does: %s, with no warning', (env, expected) => {
    const warnings: unknown[] = [];
    expect(traceExportFromEnv(env, (w) => warnings.push(w))).toBe(expected);
    expect(warnings).toEqual([]);
  });

  const scrapesAndProbes = [
    '/metrics',
    '/healthz',
    '/readyz',
    '/metrics?x=1',
    '/readyz/',
    '/metrics/?x',
  ];
  const everythingElse = ['/cpu/fib?n=1', '/metricsx', '/info', '/', '/healthz//', '/metrics/x'];
  it.each([
    ...scrapesAndProbes.map((path) => ({ path, traced: false })),
    ...everythingElse.map((path) => ({ path, traced: true })),
  ])(
    'never traces scrapes and probes, and traces everything else: $path traced $traced',
    ({ path, traced }) => {
      expect(UNTRACED_PATHS.test(path)).toBe(!traced);
    },
  );
});
