import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { describe, expect, it } from '@jest/globals';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../src/index';
import { thrownAs } from '@concurrency-lab/errors/testing';

describe('loadConfig defaults', () => {
  const config = loadConfig({}, { port: 3001 });

  it('takes the port from the model defaults', () => {
    expect(config.port).toBe(3001);
    expect(loadConfig({}, { port: 3002 }).port).toBe(3002);
  });

  it('uses every documented default', () => {
    expect(config).toEqual({
      port: 3001,
      host: '127.0.0.1',
      workers: availableParallelism(),
      maxQueue: 1000,
      requestTimeoutMs: 30_000,
      shutdownTimeoutMs: 10_000,
      upstreamUrl: 'http://127.0.0.1:3100',
      logLevel: 'info',
      admission: { maxEventLoopDelayMs: 100, maxEventLoopUtilization: 0, sampleIntervalMs: 100 },
      http: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5000,
        maxHeaderSize: 16_384,
        connectionsCheckIntervalMs: 1000,
      },
      listenBacklog: 2048,
      workload: undefined,
      lifeline: undefined,
    });
  });

  it('has no trailing slash on the default upstream', () => {
    expect(config.upstreamUrl.endsWith('/')).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(
      loadConfig(
        {
          PORT: '',
          HOST: '',
          WORKERS: '',
          MAX_QUEUE: '',
          UPSTREAM_URL: '',
          LOG_LEVEL: '',
          REQUEST_TIMEOUT_MS: '',
        },
        { port: 3003 },
      ),
    ).toEqual(loadConfig({}, { port: 3003 }));
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/bin', NODE_ENV: 'production', port: 'x' }, { port: 3001 })).toEqual(
      config,
    );
  });
});

describe('loadConfig parsing', () => {
  it('parses every variable', () => {
    expect(
      loadConfig(
        {
          PORT: '8080',
          HOST: '0.0.0.0',
          WORKERS: '3',
          MAX_QUEUE: '5',
          REQUEST_TIMEOUT_MS: '1500',
          SHUTDOWN_TIMEOUT_MS: '2500',
          UPSTREAM_URL: 'https://example.test:9000',
          LOG_LEVEL: 'debug',
          MAX_EVENT_LOOP_DELAY_MS: '250',
          MAX_EVENT_LOOP_UTILIZATION: '0.9',
          EVENT_LOOP_SAMPLE_INTERVAL_MS: '50',
          HTTP_HEADERS_TIMEOUT_MS: '3000',
          HTTP_REQUEST_TIMEOUT_MS: '9000',
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
          HTTP_MAX_HEADER_SIZE: '8192',
          HTTP_CONNECTIONS_CHECK_INTERVAL_MS: '500',
          LISTEN_BACKLOG: '4096',
          LAB_WORKLOAD: '/srv/work/my-work.mjs',
          LAB_LIFELINE: 'stdin',
        },
        { port: 3001 },
      ),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      workers: 3,
      maxQueue: 5,
      requestTimeoutMs: 1500,
      shutdownTimeoutMs: 2500,
      upstreamUrl: 'https://example.test:9000',
      logLevel: 'debug',
      admission: { maxEventLoopDelayMs: 250, maxEventLoopUtilization: 0.9, sampleIntervalMs: 50 },
      http: {
        headersTimeoutMs: 3000,
        requestTimeoutMs: 9000,
        keepAliveTimeoutMs: 65_000,
        maxHeaderSize: 8192,
        connectionsCheckIntervalMs: 500,
      },
      listenBacklog: 4096,
      workload: '/srv/work/my-work.mjs',
      lifeline: 'stdin',
    });
  });

  it("turns either admission check off with 0 (the launcher's ADMISSION_OFF), and takes 1 as a utilization", () => {
    expect(loadConfig(ADMISSION_OFF, { port: 1 }).admission).toMatchObject({
      maxEventLoopDelayMs: 0,
      maxEventLoopUtilization: 0,
    });
    expect(loadConfig({ MAX_EVENT_LOOP_UTILIZATION: '1.0' }, { port: 1 }).admission).toMatchObject({
      maxEventLoopUtilization: 1,
    });
  });

  it('refuses a headers timeout longer than the request timeout, as Node would at createServer', () => {
    const error = thrownAs(ConfigError, () =>
      loadConfig(
        { HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' },
        { port: 1 },
      ),
    );
    expect(error.code).toBe('ERR_KIT_INVALID_CONFIG');
    expect(error.message).toContain('HTTP_HEADERS_TIMEOUT_MS');
  });

  it('accepts a headers timeout equal to the request timeout, as Node does', () => {
    const { http } = loadConfig(
      { HTTP_HEADERS_TIMEOUT_MS: '10000', HTTP_REQUEST_TIMEOUT_MS: '10000' },
      { port: 1 },
    );
    expect(http).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 10_000 });
  });

  it('accepts PORT=0 (any free port) and the top of the range', () => {
    expect(loadConfig({ PORT: '0' }, { port: 3001 }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }, { port: 3001 }).port).toBe(65535);
  });

  it.each([
    ['http://127.0.0.1:3100/', 'http://127.0.0.1:3100'],
    ['http://127.0.0.1:3100///', 'http://127.0.0.1:3100'],
    ['http://upstream.local/base/', 'http://upstream.local/base'],
    ['http://upstream.local/base', 'http://upstream.local/base'],
  ])('strips trailing slashes from UPSTREAM_URL %s', (raw, expected) => {
    expect(loadConfig({ UPSTREAM_URL: raw }, { port: 1 }).upstreamUrl).toBe(expected);
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const)(
    'accepts LOG_LEVEL=%s',
    (level) => {
      expect(loadConfig({ LOG_LEVEL: level }, { port: 1 }).logLevel).toBe(level);
    },
  );

  it('accepts the bounds of WORKERS', () => {
    expect(loadConfig({ WORKERS: '1' }, { port: 1 }).workers).toBe(1);
    expect(loadConfig({ WORKERS: '256' }, { port: 1 }).workers).toBe(256);
  });
});

describe('loadConfig refusals', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', ' 80'],
    ['PORT', '1e3'],
    ['WORKERS', '0'],
    ['WORKERS', '257'],
    ['WORKERS', 'many'],
    ['MAX_QUEUE', '0'],
    ['REQUEST_TIMEOUT_MS', '0'],
    ['SHUTDOWN_TIMEOUT_MS', '-5'],
    ['UPSTREAM_URL', 'not a url'],
    ['UPSTREAM_URL', 'localhost:3100'],
    ['UPSTREAM_URL', 'ftp://127.0.0.1/'],
    ['UPSTREAM_URL', 'http://'],
    // An empty query or fragment too: WHATWG's URL reads them as no search and no hash.
    ['UPSTREAM_URL', 'http://127.0.0.1:3100?'],
    ['UPSTREAM_URL', 'http://127.0.0.1:3100#'],
    ['UPSTREAM_URL', 'http://127.0.0.1:3100/?'],
    ['UPSTREAM_URL', 'http://127.0.0.1:3100?x=1'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['MAX_EVENT_LOOP_DELAY_MS', '-1'],
    ['MAX_EVENT_LOOP_DELAY_MS', '100ms'],
    ['MAX_EVENT_LOOP_UTILIZATION', '1.5'],
    ['MAX_EVENT_LOOP_UTILIZATION', '.9'],
    ['MAX_EVENT_LOOP_UTILIZATION', '9e-1'],
    ['EVENT_LOOP_SAMPLE_INTERVAL_MS', '5'],
    ['HTTP_HEADERS_TIMEOUT_MS', '0'],
    ['HTTP_MAX_HEADER_SIZE', '100'],
    ['HTTP_CONNECTIONS_CHECK_INTERVAL_MS', 'often'],
    ['LISTEN_BACKLOG', '0'],
    ['LAB_WORKLOAD', 'my-work.mjs'],
  ])('refuses %s=%j with ERR_KIT_INVALID_CONFIG naming the variable', (name, value) => {
    const error = thrownAs(ConfigError, () => loadConfig({ [name]: value }, { port: 3001 }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('ERR_KIT_INVALID_CONFIG');
    expect(error.message).toContain(name);
  });

  it('names every bad variable at once', () => {
    const error = thrownAs(ConfigError, () =>
      loadConfig({ PORT: 'x', WORKERS: '0', LOG_LEVEL: 'loud' }, { port: 3001 }),
    );
    expect(error.code).toBe('ERR_KIT_INVALID_CONFIG');
    for (const name of ['PORT', 'WORKERS', 'LOG_LEVEL']) expect(error.message).toContain(name);
  });

  it('does not blame the valid variables next to a bad one', () => {
    const error = thrownAs(ConfigError, () =>
      loadConfig({ PORT: 'x', WORKERS: '4' }, { port: 3001 }),
    );
    expect(error.message).not.toContain('WORKERS');
  });
});
