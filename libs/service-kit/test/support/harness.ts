import { metricSum } from '@concurrency-lab/launcher';
import { close, listen, until } from '@concurrency-lab/launcher/testing';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import pino from 'pino';
import {
  createService,
  InlineRunner,
  InLoopCounter,
  loadConfig,
  type CounterStore,
  type CpuTask,
  type CpuTaskResult,
  type CustomWorkload,
  type Logger,
  type ModelRuntime,
  type RunOutcome,
  type RunnerStats,
  type Service,
  type ServiceConfig,
  type WorkRunner,
} from '../../src/index';

/** The contract's configuration with a free port and the defaults for everything else. */
export function testConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    ...loadConfig({}, { port: 0 }),
    port: 0,
    host: '127.0.0.1',
    workers: 1,
    logLevel: 'silent',
    // Off: here the test's client shares the service's event loop, and a test that runs CPU
    // work would see the next request refused. Its own tests turn it on.
    admission: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, sampleIntervalMs: 100 },
    ...overrides,
  };
}

/**
 * A stand-in `WorkRunner` for what a real runner cannot be made to do on cue: each run ends as
 * the test's `run` says (it stalls until its signal aborts, or throws what the test chose), never
 * with a result. What the service reads of any runner is done here once: one worker, the runs in
 * flight in `stats()`, nothing to stop on `close()`; and `signals` keeps the signal each run got.
 */
export class StubRunner implements WorkRunner {
  readonly workers = 1;
  /** The signal of every run, in the order the runs began. */
  readonly signals: AbortSignal[] = [];
  readonly #run: (signal: AbortSignal) => Promise<never>;
  #running = 0;

  constructor(run: (signal: AbortSignal) => Promise<never>) {
    this.#run = run;
  }

  async run<T extends CpuTask>(
    _task: T,
    { signal }: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    this.signals.push(signal);
    this.#running++;
    try {
      return await this.#run(signal);
    } finally {
      this.#running--;
    }
  }

  stats(): RunnerStats {
    return { queued: 0, running: this.#running, size: 1, completed: 0, cancelled: 0, failed: 0 };
  }

  async close(): Promise<void> {
    // nothing to stop
  }
}

export interface StartOptions {
  config?: Partial<ServiceConfig>;
  /** The operator's workload, loaded: served on `/work/custom`. */
  workload?: CustomWorkload;
  runner?: WorkRunner;
  counter?: CounterStore;
  /** What `/metrics` answers with (a slow one, as a cluster's relay to its primary is). */
  metricsProvider?: ModelRuntime['metricsProvider'];
  logger?: Logger;
  close?: () => Promise<void>;
}

export interface Started {
  service: Service;
  base: string;
  port: number;
}

/** A real service on 127.0.0.1 and a free port; tests start one with `serviceFixture`. */
async function startService(options: StartOptions = {}): Promise<Started> {
  const service = createService({
    model: 'test',
    config: testConfig(options.config),
    runtime: {
      runner: options.runner ?? new InlineRunner(),
      counter: options.counter ?? new InLoopCounter(),
      ...(options.metricsProvider ? { metricsProvider: options.metricsProvider } : {}),
      ...(options.close ? { close: options.close } : {}),
    },
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.workload ? { workload: options.workload } : {}),
  });
  const address = await service.listen();
  return { service, base: `http://127.0.0.1:${address.port}`, port: address.port };
}

export interface ServiceFixture {
  /** Starts a real service on a free port; it is shut down when the fixture's scope ends. */
  start(options?: StartOptions): Promise<Started>;
  /** Shuts down, with the others, a service the test built itself (`createService`). */
  adopt(service: Service): Service;
}

/**
 * The services of one `describe` (call it in the describe's body): every service `start`ed or
 * `adopt`ed is shut down after its test, or, with `{ per: 'describe' }`, after the describe's last
 * test (services started in `beforeAll`). Its hook is registered where it is called: an after-hook
 * declared before it runs first (jest runs a block's after-hooks in declaration order).
 */
export function serviceFixture({
  per = 'test',
}: { per?: 'test' | 'describe' } = {}): ServiceFixture {
  const running: Service[] = [];
  const after = per === 'test' ? afterEach : afterAll;
  after(async () => {
    // Settled, all of them: a shutdown that rejects still lets every other one finish first.
    const outcomes = await Promise.allSettled(running.splice(0).map((s) => s.shutdown()));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    async start(options) {
      const started = await startService(options);
      running.push(started.service);
      return started;
    },
    adopt(service) {
      running.push(service);
      return service;
    },
  };
}

/**
 * One service for the whole describe (call it in the describe's body): started in its
 * `beforeAll`, shut down after its last test. The object is filled in when the service has
 * started, so read it inside tests and hooks, not while jest collects them.
 */
export function startedPerDescribe(options?: StartOptions): Started {
  const services = serviceFixture({ per: 'describe' });
  const started = {} as Started;
  beforeAll(async () => {
    Object.assign(started, await services.start(options));
  });
  return started;
}

/** A logger that keeps every record it writes, parsed. */
export function memoryLogger(level = 'info'): {
  logger: Logger;
  records: Array<Record<string, unknown>>;
} {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level },
    { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, records };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses back-to-back HTTP/1.1 responses (Content-Length bodies) off one connection. */
function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0)
      throw new Error(`incomplete response head: ${rest.toString('latin1').slice(0, 200)}`);
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length))
      throw new Error(`response without Content-Length: ${statusLine}`);
    const bodyStart = end + 4;
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.subarray(bodyStart, bodyStart + length).toString('utf8'),
    });
    rest = rest.subarray(bodyStart + length);
  }
  return responses;
}

/**
 * One raw TCP connection for HTTP/1.1 pipelining: `send` writes a request (it is queued behind
 * the ones in flight on this connection); `responses` resolves with every response once the
 * server closes the connection.
 */
export function rawConnection(port: number): {
  send(path: string): void;
  responses: Promise<RawResponse[]>;
} {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const responses = new Promise<RawResponse[]>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => {
      try {
        resolve(parseResponses(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
  return {
    send: (path) => socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`),
    responses,
  };
}

/**
 * Sends each request on its own connection — all of them accepted by `server` first, then
 * written together — and holds this thread, the service's event loop, for `stallMs`: the
 * service reads them all in one turn of its loop, as it reads a burst. (Written as soon as the
 * client connects, they would not be: the server accepts one connection per turn.) The
 * statuses, once the service closed each connection (send `Connection: close`).
 */
export async function sendInOneTurn(
  server: Server,
  requests: readonly string[],
  stallMs = 0,
): Promise<number[]> {
  const answers = await answersInOneTurn(server, requests, stallMs);
  return answers.map((raw) => Number(raw.split(' ')[1]));
}

/** `sendInOneTurn`, answering what came back on each connection, whole (latin1). */
export async function answersInOneTurn(
  server: Server,
  requests: readonly string[],
  stallMs = 0,
): Promise<string[]> {
  const connections = () =>
    new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  const before = await connections();
  const { port } = server.address() as AddressInfo;
  const sockets = requests.map(() => connect(port, '127.0.0.1'));
  await until(async () => (await connections()) >= before + sockets.length, {
    what: `the server to accept ${sockets.length} connections`,
  });
  const answers = sockets.map(
    (socket) =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('error', reject);
        socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      }),
  );
  sockets.forEach((socket, i) => socket.write(requests[i] ?? ''));
  const end = performance.now() + stallMs;
  while (performance.now() < end) {
    // the requests wait in their sockets, unread, while the loop is held
  }
  return Promise.all(answers);
}

export interface Upstream {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * A small real upstream site: /page/N answers `<title>Page N</title>`, or 500 for the page numbers
 * in `failing`.
 */
export async function startUpstream(options: { failing?: number[] } = {}): Promise<Upstream> {
  const server = createServer((req, res) => {
    const page = /^\/page\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (page === undefined) res.writeHead(404).end();
    else if (options.failing?.includes(Number(page))) res.writeHead(500).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>Page ${page}</title>`);
  });
  return { url: await listen(server), server, close: () => close(server) };
}

/** Every `route` label value in a Prometheus text exposition. */
export function routeLabels(metricsText: string): Set<string> {
  return new Set([...metricsText.matchAll(/route="([^"]*)"/g)].map((m) => m[1] ?? ''));
}

/** The value of `http_server_request_duration_seconds_count` for one label set (0 if absent). */
export function requestCount(
  metricsText: string,
  labels: { method: string; route: string; status_code: string },
): number {
  return metricSum(metricsText, 'http_server_request_duration_seconds_count', labels);
}
