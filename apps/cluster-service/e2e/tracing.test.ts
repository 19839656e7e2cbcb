import type { ReceivedSpan } from '@concurrency-lab/telemetry';
import { descends, requestTrace } from '@concurrency-lab/telemetry/testing';
import { tracedCluster } from './support/traced-cluster';

describe('cluster-service tracing across IPC (real processes, real OTLP receiver)', () => {
  const traced = tracedCluster();

  it('puts the primary counter operations and the workers into the request trace', async () => {
    const service = await traced.launch();
    const response = await fetch(`${service.url}/counter/increment?safe=true&times=1000`, {
      method: 'POST',
    });
    expect(await response.json()).toMatchObject({ result: { expected: 1000, actual: 1000 } });
    expect(await service.stop()).toEqual({ code: 0, signal: null });

    const { server, spans: inTrace } = requestTrace(traced.receiver.spans, '/counter/increment');
    expect(server).toBeDefined();
    const roles = (span: ReceivedSpan | undefined) => span?.resource['lab.role'];
    const primaryIncrement = inTrace.find(
      (s) => s.kind === 2 && s.name === 'ipc counter.increment',
    );
    const shares = inTrace.filter((s) => s.kind === 2 && s.name === 'ipc counter.share');
    expect(roles(server)).toBe('worker');
    expect(roles(primaryIncrement)).toBe('primary');
    // The primary's span is a child of the worker's IPC client span, itself under the HTTP span.
    const client = inTrace.find((s) => s.spanId === primaryIncrement?.parentSpanId);
    expect(client).toMatchObject({ kind: 3, name: 'ipc counter.increment' });
    expect(roles(client)).toBe('worker');
    expect(descends(client, server, inTrace)).toBe(true);
    // Every worker process did its share inside the same trace.
    expect(shares).toHaveLength(2);
    expect(
      new Set(shares.map((s) => s.resource['process.pid'] ?? s.attributes['process.pid'])).size,
    ).toBe(2);
    expect(shares.every((s) => roles(s) === 'worker')).toBe(true);
  }, 30_000);
});
