import { otlpReceiverFixture, requestTrace } from '@concurrency-lab/telemetry/testing';
import { ADMISSION_OFF, appEntry, launch, metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';

describe('threads-service exporting over OTLP/HTTP (real process, real receiver)', () => {
  const receiver = otlpReceiverFixture();

  it('exports one trace per request: server span → queue wait → run on a pool thread', async () => {
    const service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '2', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ADMISSION_OFF },
    });
    const response = await fetch(`${service.url}/cpu/fib?n=20`);
    expect(response.status).toBe(200);
    const openMetrics = await (
      await fetch(`${service.url}/metrics`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      })
    ).text();
    expect(await service.stop()).toEqual({ code: 0, signal: null });

    const { server, spans: trace } = requestTrace(receiver.spans, '/cpu/fib');
    expect(server).toBeDefined();
    const run = trace.find((s) => s.name === 'pool.run fib');
    expect(trace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['pool.queue_wait', 'pool.run fib']),
    );
    expect(run?.attributes['thread.id']).toBeGreaterThan(0);
    expect(server?.resource['service.name']).toBe('concurrency-lab-threads');
    expect(server?.resource['lab.model']).toBe('threads');
    // /metrics itself is not traced.
    expect(
      receiver.spans.some((s) =>
        String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? '').startsWith(
          '/metrics',
        ),
      ),
    ).toBe(false);
    // The OpenMetrics scrape carries exemplars whose trace ids are exported traces.
    const exemplars = [
      ...openMetrics.matchAll(
        /http_server_request_duration_seconds_bucket\{[^}]*route="\/cpu\/fib"[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"\}/g,
      ),
    ].map((m) => m[1]);
    expect(exemplars.length).toBeGreaterThan(0);
    for (const id of exemplars) expect(receiver.spans.some((s) => s.traceId === id)).toBe(true);
  }, 30_000);

  it('flushes the spans of requests still in flight at SIGTERM before it exits', async () => {
    const service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ADMISSION_OFF },
    });
    const active = async () =>
      metricSum(
        await (await fetch(`${service.url}/metrics`)).text(),
        'http_server_active_requests',
      );
    const idle = await active(); // the scrape may count itself
    const inFlight = fetch(`${service.url}/io/sleep?ms=800`);
    // SIGTERM once the service serves it (a fixed pause could signal before the request lands).
    await until(async () => (await active()) > idle, { what: 'the request to be in flight' });
    service.child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(
      receiver.spans.some((s) => s.kind === 2 && s.attributes['http.route'] === '/io/sleep'),
    ).toBe(true);
  }, 30_000);
});
