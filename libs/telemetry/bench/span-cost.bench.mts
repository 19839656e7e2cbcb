/**
 * What one server span costs the event loop with the SDK the services use — NodeSDK 3.x, one span
 * per request through `startServerSpan` / `endServerSpan`, a BatchSpanProcessor — measured in a
 * hot loop with no HTTP around it: the floor that tracing sets under a traced request, whatever
 * the code around it does. Three modes, interleaved in each round (off spans export, then export
 * spans off), main-thread CPU (`process.threadCpuUsage`) per span, medians (min–max):
 *
 *   off     tracing off: the loop alone (`startServerSpan` returns undefined) — the anchor
 *   spans   spans started and ended into a BatchSpanProcessor whose exporter discards them
 *   export  the services' own setup (`startTracing`): OTLP/protobuf serialised and sent over
 *           HTTP to a receiver in a worker thread (its CPU is not the loop's)
 *
 * In a server the same calls cost more than here (other code runs between two spans and evicts
 * what a hot loop keeps in cache): compare with the kit benchmark's traced / untraced CPU per
 * request (`nx bench service-kit`; docs/design.md, "Per-request cost").
 *
 *   node bench/span-cost.bench.mts            (after `npm run build`; `nx bench telemetry` does)
 *   BENCH_SPANS=200000 BENCH_ROUNDS=5 node bench/span-cost.bench.mts
 */
import { medianAndRange } from '@concurrency-lab/report-kit';
import { createRequire } from 'node:module';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type * as Telemetry from '../src/index.js';
import type * as ServerSpan from '../src/server-span.js';

const require = createRequire(import.meta.url);
// The built CommonJS entry (dist/), which is what the services run; types from the sources.
const telemetry = require('../dist/index.js') as typeof Telemetry;

if (!isMainThread && parentPort) {
  // The receiver thread: counts what arrives, keeps nothing.
  const port = parentPort;
  const receiver = await telemetry.startOtlpReceiver({ keepSpans: false });
  port.postMessage(receiver.url);
  port.on('message', () => port.postMessage(receiver.counts.spans));
} else {
  await main();
}

async function main(): Promise<void> {
  const BATCH = 512;
  const WARM_UP = 40 * BATCH;
  const spans = BATCH * Math.ceil(Number(process.env['BENCH_SPANS'] ?? 100_000) / BATCH);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { suppressTracing } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  // The module startTracing enables: the same instance, so enableServerSpans reaches it.
  const serverSpan = require('../dist/server-span.js') as typeof ServerSpan;

  const receiverThread = new Worker(new URL(import.meta.url));
  const receiverUrl = await new Promise<string>((resolve) =>
    receiverThread.once('message', resolve),
  );
  const receivedSpans = () =>
    new Promise<number>((resolve) => {
      receiverThread.once('message', resolve);
      receiverThread.postMessage('count');
    });

  type Mode = 'off' | 'spans' | 'export';
  const nothing = () => Promise.resolve();
  /** Starts tracing as `mode` says; returns what stops it (and leaves the globals as found). */
  function startMode(mode: Mode): { flush(): Promise<void>; stop(): Promise<void> } {
    if (mode === 'off') return { flush: nothing, stop: nothing };
    if (mode === 'export') {
      // The SDK's exporter reads process.env itself (see startTracing).
      process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiverUrl;
      const tracing = telemetry.startTracing({ model: 'bench' });
      return { flush: () => tracing.forceFlush(), stop: () => tracing.shutdown() };
    }
    const processor = new BatchSpanProcessor({
      exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: nothing },
    });
    const sdk = new NodeSDK({
      spanProcessors: [processor],
      instrumentations: [],
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    serverSpan.enableServerSpans(true, suppressTracing(api.ROOT_CONTEXT));
    return {
      flush: () => processor.forceFlush(),
      stop: async () => {
        serverSpan.enableServerSpans(false);
        await sdk.shutdown();
        api.trace.disable();
        api.propagation.disable();
        api.context.disable();
      },
    };
  }

  // What the kit's request path does with a request (create-app.ts), minus express.
  const request = {
    url: '/io/sleep?ms=0',
    method: 'GET',
    headers: { host: '127.0.0.1', 'user-agent': 'bench' },
  } as unknown as import('node:http').IncomingMessage;
  const handler = () => undefined;
  /**
   * One full batch (the processor's default 512) at a time, each exported before the next: a hot
   * loop outruns any exporter, and the processor drops what overflows its queue (2,048) — which
   * would count spans that were never serialised.
   */
  async function loop(count: number, flush: () => Promise<void>): Promise<void> {
    for (let done = 0; done < count; done += BATCH) {
      for (let i = 0; i < BATCH; i++) {
        const traced = serverSpan.startServerSpan(request);
        if (traced?.span) {
          serverSpan.runInRequestContext(traced, handler);
          serverSpan.endServerSpan(traced.span, 'GET', 200, '/io/sleep');
        }
      }
      await flush();
      await yieldToLoop();
    }
  }

  process.env['OTEL_TRACES_SAMPLER'] = 'always_on';
  const perSpan: Record<Mode, number[]> = { off: [], spans: [], export: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Mode[] = round % 2 ? ['export', 'spans', 'off'] : ['off', 'spans', 'export'];
    for (const mode of order) {
      const tracing = startMode(mode);
      await loop(WARM_UP, () => tracing.flush()); // the JIT, the exporter's connection
      const before = process.threadCpuUsage();
      await loop(spans, () => tracing.flush());
      const used = process.threadCpuUsage(before);
      await tracing.stop();
      perSpan[mode].push((used.user + used.system) / spans);
    }
  }
  const exported = await receivedSpans();
  await receiverThread.terminate();

  const show = (xs: number[]) => medianAndRange(xs, 2);
  const { off, spans: spansOnly, export: withExport } = perSpan;
  const minus = (a: number[], b: number[]) => a.map((x, i) => x - (b[i] ?? NaN));
  console.log(`main-thread CPU per span, µs, ${rounds} rounds of ${spans} spans:`);
  console.log(`  loop alone (tracing off)                   ${show(off)}`);
  console.log(`  span start + end, BatchSpanProcessor      +${show(minus(spansOnly, off))}`);
  console.log(`  OTLP/protobuf serialisation and send      +${show(minus(withExport, spansOnly))}`);
  console.log(`  all of tracing                            +${show(minus(withExport, off))}`);
  console.log(`spans the receiver counted: ${exported} (expected ${rounds * (spans + WARM_UP)})`);
  if (exported !== rounds * (spans + WARM_UP)) process.exitCode = 1;
}
