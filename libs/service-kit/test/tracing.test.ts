import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { activeTraceId, startTracing, type Tracing } from '@concurrency-lab/telemetry';
import { encodePng, generateTestImage } from '@concurrency-lab/workloads';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InlineRunner, type CpuTask, type CpuTaskResult, type RunOutcome } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { serviceFixture } from './support/harness';

/** The inline runner, noting the trace it runs in: proof that the request's context reached it. */
class TraceNotingRunner extends InlineRunner {
  readonly traceIds: Array<string | undefined> = [];

  override run<T extends CpuTask>(
    task: T,
    options: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    this.traceIds.push(activeTraceId());
    return super.run(task, options);
  }
}

describe('a traced service (in-memory exporter, real server)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let runner: TraceNotingRunner;
  beforeAll(() => {
    tracing = startTracing({ model: 'test', exporter });
  });
  const services = serviceFixture();
  // After the fixture's shutdown (a block's hooks run in declaration order): no span of this
  // test's service can end after the reset and land in the next test.
  afterEach(() => {
    exporter.reset();
  });
  afterAll(() => tracing.shutdown());

  async function serve(requestTimeoutMs?: number) {
    runner = new TraceNotingRunner();
    return services.start({
      runner,
      ...(requestTimeoutMs ? { config: { requestTimeoutMs } } : {}),
    });
  }

  /** The spans of the answered requests; a span ends when its response closes. */
  async function spans(count: number): Promise<ReadableSpan[]> {
    await until(() => exporter.getFinishedSpans().length >= count, { what: `${count} spans` });
    return exporter.getFinishedSpans();
  }

  it('records one SERVER span per request, named after its route; the work runs in its trace, and its bucket links to it', async () => {
    const { base, service } = await serve();
    expect((await fetch(`${base}/cpu/fib?n=5`)).status).toBe(200);
    const [span, ...others] = await spans(1);
    expect(others).toEqual([]);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.name).toBe('GET /cpu/fib');
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/cpu/fib',
      'url.path': '/cpu/fib',
      'http.response.status_code': 200,
    });
    const traceId = span?.spanContext().traceId;
    expect(runner.traceIds).toEqual([traceId]);
    const { body } = await service.ctx.metricsProvider(
      'application/openmetrics-text; version=1.0.0',
    );
    expect(body).toMatch(
      new RegExp(
        `^http_server_request_duration_seconds_bucket\\{[^}]*route="/cpu/fib"[^}]*\\} 1 # \\{trace_id="${traceId}"\\}`,
        'm',
      ),
    );
  });

  it('keeps the trace through the upload body parser, even when the body arrives later', async () => {
    const { base } = await serve();
    const png = encodePng(generateTestImage(16));
    // The second half comes 100 ms later, from a socket read outside the request's context;
    // the body parser (raw-body) binds its callback to the request's context.
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(png.subarray(0, 100));
        await new Promise((resolve) => setTimeout(resolve, 100));
        controller.enqueue(png.subarray(100));
        controller.close();
      },
    });
    const response = await fetch(`${base}/image/filter?filter=blur`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(200);
    const [span] = await spans(1);
    expect(span?.name).toBe('POST /image/filter');
    expect(runner.traceIds).toEqual([span?.spanContext().traceId]);
  });

  it('marks a request that ran out of time as an error span (504)', async () => {
    const { base } = await serve(50);
    expect((await fetch(`${base}/io/sleep?ms=5000`)).status).toBe(504);
    const [span] = await spans(1);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(504);
  });

  it('names a request that matched no route after its method only', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/no/such/route`)).status).toBe(404);
    const [span] = await spans(1);
    expect(span?.name).toBe('GET');
    expect(span?.attributes['http.route']).toBeUndefined();
  });

  it('traces neither scrapes nor probes, while a work request beside them is traced', async () => {
    const { base } = await serve();
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      expect((await fetch(`${base}${path}`)).status).toBe(200);
    }
    // Negative control: the traced request shows that spans would have been recorded.
    expect((await fetch(`${base}/io/sleep?ms=1`)).status).toBe(200);
    const finished = await spans(1);
    expect(finished.map((s) => s.name)).toEqual(['GET /io/sleep']);
  });
});
