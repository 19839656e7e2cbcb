import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { otlpReceiverFixture } from '../src/testing';

interface Outcome {
  enabled: boolean;
  traceId: string;
}

/** Runs the fixture with exactly `env` for its OTEL_* variables (none inherited). */
async function tracedProcess(env: Record<string, string>): Promise<Outcome> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
  );
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'traced-process.js')], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': only then has all it wrote been read from the pipes.
  const [code] = (await once(child, 'close')) as [number | null];
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Outcome;
}

describe('tracing configured by the standard OTEL_* variables (NodeSDK, real exporters)', () => {
  const receiver = otlpReceiverFixture();

  it('exports OTLP/protobuf by default once an endpoint is set, with our resource', async () => {
    const outcome = await tracedProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(outcome.enabled).toBe(true);
    expect(receiver.spans).toHaveLength(1);
    expect(receiver.spans[0]).toMatchObject({
      traceId: outcome.traceId,
      name: 'work',
      attributes: { 'lab.n': 1 },
      protocol: 'http/protobuf',
      resource: {
        'service.name': 'concurrency-lab-e2e',
        'service.namespace': 'concurrency-lab',
        'lab.model': 'e2e',
        'lab.role': 'fixture',
        'telemetry.sdk.language': 'nodejs',
      },
    });
    expect(receiver.spans[0]?.resource['process.pid']).toEqual(expect.any(Number));
  });

  const gzip = { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' };
  it.each([
    ['http/protobuf', 'no compression set', {}],
    ['http/json', 'no compression set', {}],
    ['http/protobuf', 'OTEL_EXPORTER_OTLP_COMPRESSION=gzip', gzip],
    ['http/json', 'OTEL_EXPORTER_OTLP_COMPRESSION=gzip', gzip],
  ])(
    'exports with OTEL_EXPORTER_OTLP_PROTOCOL=%s and %s',
    async (protocol, _label, compression) => {
      const outcome = await tracedProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        ...compression,
      });
      expect(receiver.spans.map((s) => [s.traceId, s.protocol])).toEqual([
        [outcome.traceId, protocol],
      ]);
    },
  );

  it('takes OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES over our defaults', async () => {
    await tracedProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'renamed',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=lab,lab.role=overridden',
    });
    expect(receiver.spans[0]?.resource).toMatchObject({
      'service.name': 'renamed',
      'deployment.environment.name': 'lab',
      'lab.role': 'overridden',
      'lab.model': 'e2e',
    });
  });

  it.each([
    ['OTEL_TRACES_SAMPLER=always_off', { OTEL_TRACES_SAMPLER: 'always_off' }],
    [
      'OTEL_TRACES_SAMPLER=traceidratio, ARG=0',
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    ],
  ])('samples nothing with %s (tracing is on, no span leaves)', async (_label, sampler) => {
    const outcome = await tracedProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...sampler });
    expect(outcome.enabled).toBe(true);
    expect(receiver.spans).toEqual([]);
  });

  it('negative control: OTEL_TRACES_SAMPLER_ARG=1 samples the same span', async () => {
    await tracedProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
    });
    expect(receiver.spans).toHaveLength(1);
  });

  it.each([
    ['nothing configured', {}],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ])('stays off with %s', async (_label, env) => {
    const outcome = await tracedProcess({
      ...(Object.keys(env).length ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : {}),
      ...env,
    });
    expect(outcome.enabled).toBe(false);
    expect(receiver.spans).toEqual([]);
  });
});
