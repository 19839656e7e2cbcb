import type { ReceivedSpan } from '@concurrency-lab/telemetry';
import { descends, otlpReceiverFixture, requestTrace } from '@concurrency-lab/telemetry/testing';
import { ADMISSION_OFF, appEntry, launch } from '@concurrency-lab/launcher';

const pidOf = (span: ReceivedSpan | undefined) =>
  span?.attributes['process.pid'] ?? span?.resource['process.pid'];

describe('hybrid-service traces: HTTP → IPC where needed → thread (real processes, real OTLP receiver)', () => {
  const receiver = otlpReceiverFixture({ per: 'describe' });
  let workerPids: Set<number>;
  beforeAll(async () => {
    const service = await launch(appEntry('hybrid-service'), {
      env: {
        WORKERS: '2',
        HYBRID_THREADS: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        ...ADMISSION_OFF,
      },
    });
    const fib = await fetch(`${service.url}/cpu/fib?n=20`);
    expect(await fib.json()).toMatchObject({ model: 'hybrid', result: 6765 });
    const increment = await fetch(`${service.url}/counter/increment?safe=true&times=1000`, {
      method: 'POST',
    });
    expect(await increment.json()).toMatchObject({ result: { expected: 1000, actual: 1000 } });
    const listening = service
      .logs<{ msg: string; workerPids?: number[] }>()
      .find((l) => l.msg === 'listening');
    workerPids = new Set(listening?.workerPids);
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('runs CPU work on a thread of the worker process that took the request, in its trace', () => {
    const { server, spans: inTrace } = requestTrace(receiver.spans, '/cpu/fib');
    expect(server?.resource['lab.role']).toBe('worker');
    const wait = inTrace.find((s) => s.name === 'pool.queue_wait');
    const run = inTrace.find((s) => s.name === 'pool.run fib');
    // Under the HTTP span (the express handler's span between them).
    expect(descends(wait, server, inTrace)).toBe(true);
    expect(descends(run, server, inTrace)).toBe(true);
    expect(run?.attributes['thread.id']).toBeGreaterThan(0);
    // The thread read the request's trace id from the task envelope.
    expect(run?.attributes['lab.thread_trace_id']).toBe(server?.traceId);
    // Recorded by the worker process that served the request: no IPC on this path.
    expect(run?.resource['service.instance.id']).toBe(server?.resource['service.instance.id']);
    expect(inTrace.some((s) => s.name.startsWith('ipc '))).toBe(false);
  });

  it('takes the counter over IPC to the primary, which has every worker process do a share', () => {
    const { server, spans: inTrace } = requestTrace(receiver.spans, '/counter/increment');
    const primary = inTrace.find((s) => s.kind === 2 && s.name === 'ipc counter.increment');
    const client = inTrace.find((s) => s.spanId === primary?.parentSpanId);
    const shares = inTrace.filter((s) => s.kind === 2 && s.name === 'ipc counter.share');
    expect(server?.resource['lab.role']).toBe('worker');
    expect(client).toMatchObject({ kind: 3, name: 'ipc counter.increment' });
    expect(descends(client, server, inTrace)).toBe(true);
    expect(primary?.resource['lab.role']).toBe('primary');
    expect(shares).toHaveLength(2);
    expect(shares.every((s) => descends(s, primary, inTrace))).toBe(true);
    // Every worker process did its share inside the same trace: two worker pids, and the
    // primary's third.
    const sharePids = new Set(shares.map(pidOf));
    expect(sharePids).toEqual(workerPids);
    expect(sharePids.size).toBe(2);
    expect(sharePids.has(pidOf(primary) as number)).toBe(false);
  });
});
