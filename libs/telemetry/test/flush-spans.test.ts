import { timersSetBy } from '@concurrency-lab/launcher/testing';
import { trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { flushSpans, SPAN_FLUSH_TIMEOUT_MS } from '../src/flush-spans';
import { startTracing } from '../src/start-tracing';

/** What flushSpans told its logger, as (fields, message) pairs. */
function recordingLogger() {
  const warnings: unknown[] = [];
  return {
    warnings,
    logger: { warn: (fields: unknown, message: string) => warnings.push([fields, message]) },
  };
}

/**
 * A flush that never settles: what the OTLP exporter makes of a collector that takes the
 * connection and never answers (it waits out its own 10 s timeout, retrying).
 */
const hung = { shutdown: () => new Promise<void>(() => undefined) };

describe('flushSpans before an exit', () => {
  it('says flushed once the real SDK exported and shut down, or when there is no tracing', async () => {
    const exported: string[] = [];
    let shutDown = false;
    const exporter: SpanExporter = {
      export: (spans, done) => {
        exported.push(...spans.map((s) => s.name));
        done({ code: 0 });
      },
      shutdown: async () => {
        shutDown = true;
      },
    };
    const tracing = startTracing({ model: 'test', exporter, instrument: false });
    trace.getTracer('test').startSpan('last').end();
    const { warnings, logger } = recordingLogger();
    await expect(flushSpans(tracing, { logger })).resolves.toBe('flushed');
    expect({ exported, shutDown }).toEqual({ exported: ['last'], shutDown: true });
    await expect(flushSpans(undefined, { logger })).resolves.toBe('flushed');
    expect(warnings).toEqual([]);
  });

  it('says failed, without throwing, and warns, when the shutdown rejects', async () => {
    // The real SDK, whose exporter fails to shut down: its shutdown rejects, as it does when
    // the last export fails.
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: 0 }),
      shutdown: () => Promise.reject(new Error('collector down')),
    };
    const tracing = startTracing({ model: 'test', exporter: failing, instrument: false });
    await expect(tracing.shutdown()).rejects.toThrow('collector down'); // the control
    const again = startTracing({ model: 'test', exporter: failing, instrument: false });
    const { warnings, logger } = recordingLogger();
    await expect(flushSpans(again, { logger })).resolves.toBe('failed');
    expect(warnings).toEqual([[{ spans: 'failed' }, 'the last spans were not exported']]);
  });

  it('gives up on a flush that does not finish after its timeout, and warns', async () => {
    const { warnings, logger } = recordingLogger();
    await expect(flushSpans(hung, { logger, timeoutMs: 20 })).resolves.toBe('timed out');
    expect(warnings).toEqual([[{ spans: 'timed out' }, 'the last spans were not exported']]);
  });

  it.each([
    ['flushed', () => Promise.resolve()],
    ['failed', () => Promise.reject(new Error('refused'))],
  ] as const)(
    'leaves no timer behind after a flush that finished first: %s',
    async (outcome, shutdown) => {
      // A timer left pending would hold the process up to the bound after its last work (an exit
      // by an empty event loop, 2 s late). Only the call's timers count: a count of the
      // process's failed in CI when another file's timer, pending in the same worker, ended.
      using flush = timersSetBy(() => flushSpans({ shutdown }));
      await expect(flush.result).resolves.toBe(outcome);
      expect(await flush.pending()).toBe(0);
    },
  );

  it('keeps its bound pending while a flush is, and not once it fired (the control)', async () => {
    using flush = timersSetBy(() => flushSpans(hung, { timeoutMs: 20 }));
    expect(await flush.pending()).toBe(1);
    await expect(flush.result).resolves.toBe('timed out');
    expect(await flush.pending()).toBe(0);
  });

  it('waits SPAN_FLUSH_TIMEOUT_MS, 2 s, by default', async () => {
    // 2 s, because supervisors count on it: a cluster primary SIGKILLs a worker that is still
    // there its shutdown budget plus this bound plus 1 s after asking it to stop.
    expect(SPAN_FLUSH_TIMEOUT_MS).toBe(2000);
    const started = performance.now();
    await expect(flushSpans(hung)).resolves.toBe('timed out');
    // A timer never fires early; 10 ms for the clocks' rounding.
    expect(performance.now() - started).toBeGreaterThanOrEqual(SPAN_FLUSH_TIMEOUT_MS - 10);
  });
});
