import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { otlpReceiverFixture } from '../src/testing';

interface Outcome {
  enabled: boolean;
  traceId: string;
  /** The @opentelemetry packages the process loaded (`api`, `core`, …). */
  loaded: string[];
}

/** What `fixtures/restart-process.js` prints. */
interface RestartOutcome {
  firstShutdown: string;
  enabled: boolean;
  spans: string[];
}

/**
 * Runs a fixture (`traced-process.js` unless told) with exactly `env` for its OTEL_* variables
 * (none inherited); what it prints is its outcome, and it must write nothing to stderr.
 */
async function tracedProcess<T = Outcome>(
  env: Record<string, string>,
  fixture = 'traced-process.js',
): Promise<T> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
  );
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', fixture)], {
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
  return JSON.parse(stdout) as T;
}

/** A local port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
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
    // The control of the untraced processes' `loaded`: a traced one loads the SDK.
    expect(outcome.loaded).toEqual(expect.arrayContaining(['api', 'core', 'sdk-node']));
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

  it('records again after a shutdown whose export failed (no collector listening)', async () => {
    const outcome = await tracedProcess<RestartOutcome>(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        // No retries of the refused connection: they would only make the shutdown slower.
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
        // The API's refusals of a second registration (`duplicate registration`) go to stderr.
        OTEL_LOG_LEVEL: 'error',
      },
      'restart-process.js',
    );
    // The control: the first shutdown did fail, and says why.
    expect(outcome.firstShutdown).toMatch(/^rejected: .*ECONNREFUSED/);
    // The second tracing's own span and a server span, both recorded.
    expect(outcome).toMatchObject({ enabled: true, spans: ['second', expect.any(String)] });
  });

  it.each([
    ['nothing configured', {}],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ])('stays off with %s, and loads nothing of the SDK, the API aside', async (_label, env) => {
    const outcome = await tracedProcess({
      ...(Object.keys(env).length ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : {}),
      ...env,
    });
    expect(outcome.enabled).toBe(false);
    expect(receiver.spans).toEqual([]);
    expect(outcome.loaded).toEqual(['api']);
  });
});
