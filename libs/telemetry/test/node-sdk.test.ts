import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { startTracing } from '../src/start-tracing';

const { context, createContextKey, logs, propagation, ROOT_CONTEXT, trace } = api;
type ProxyTracerProvider = api.ProxyTracerProvider;

/** The API's own stand-in, what `logs.getLoggerProvider()` gives while none is registered. */
const unregistered = () => logs.getLoggerProvider().constructor.name === 'ProxyLoggerProvider';

describe('NodeSDK started and shut down by startTracing', () => {
  afterEach(() => logs.disable());

  it('removes the LoggerProvider the SDK registered, so the next start registers its own', async () => {
    expect(unregistered()).toBe(true);
    const first = startTracing({ model: 'test', exporter: new InMemorySpanExporter() });
    const registered = logs.getLoggerProvider();
    // The control: the SDK does register one (NodeSDK's, with none of our processors).
    expect(registered).toBeInstanceOf(LoggerProvider);
    await first.shutdown();
    expect(unregistered()).toBe(true);

    const exporter = new InMemorySpanExporter();
    const second = startTracing({ model: 'test', exporter });
    try {
      expect(logs.getLoggerProvider()).toBeInstanceOf(LoggerProvider);
      expect(logs.getLoggerProvider()).not.toBe(registered);
      trace.getTracer('test').startSpan('second').end();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['second']);
    } finally {
      await second.shutdown();
    }
    expect(unregistered()).toBe(true);
  });

  it("names the process's resource after the model, in the lab's namespace, as a server by default", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ model: 'test', exporter });
    try {
      trace.getTracer('test').startSpan('one').end();
      const [span] = exporter.getFinishedSpans();
      expect(span?.resource.attributes).toMatchObject({
        'service.name': 'concurrency-lab-test',
        'service.namespace': 'concurrency-lab',
        'lab.model': 'test',
        'lab.role': 'server',
      });
    } finally {
      await tracing.shutdown();
    }
  });

  it('leaves a LoggerProvider the host registered before it', async () => {
    const host = new LoggerProvider();
    expect(logs.setGlobalLoggerProvider(host)).toBe(true);
    const tracing = startTracing({ model: 'test', exporter: new InMemorySpanExporter() });
    expect(logs.getLoggerProvider()).toBe(host);
    await tracing.shutdown();
    expect(logs.getLoggerProvider()).toBe(host);
  });

  describe('the tracer provider, context manager and propagator', () => {
    const KEY = createContextKey('test');
    /** What of the three is registered, as a host sees it. */
    const globals = () => {
      const kept = ROOT_CONTEXT.setValue(KEY, 1);
      return {
        provider: (trace.getTracerProvider() as ProxyTracerProvider).getDelegate(),
        keepsContext: context.with(kept, () => context.active() === kept),
        fields: propagation.fields(),
      };
    };
    afterEach(() => {
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('leaves the ones the host registered before it, in use', async () => {
      const hostExporter = new InMemorySpanExporter();
      const host = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter: hostExporter })],
      });
      expect(trace.setGlobalTracerProvider(host)).toBe(true);
      expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(
        true,
      );
      expect(propagation.setGlobalPropagator(new W3CTraceContextPropagator())).toBe(true);
      const tracing = startTracing({
        model: 'test',
        exporter: new InMemorySpanExporter(),
        instrument: false,
      });
      await tracing.shutdown();
      expect(globals()).toEqual({
        provider: host,
        keepsContext: true,
        fields: ['traceparent', 'tracestate'],
      });
      trace.getTracer('host').startSpan('host-after').end();
      expect(hostExporter.getFinishedSpans().map((s) => s.name)).toEqual(['host-after']);
    });

    it('negative control: removes the ones the SDK registered', async () => {
      const unregistered = globals();
      expect(unregistered).toMatchObject({ keepsContext: false, fields: [] });
      const tracing = startTracing({
        model: 'test',
        exporter: new InMemorySpanExporter(),
        instrument: false,
      });
      // The control of the control: the SDK did register all three.
      expect(globals()).toEqual({
        provider: expect.any(TracerProvider) as unknown,
        keepsContext: true,
        fields: expect.arrayContaining(['traceparent', 'baggage']) as unknown,
      });
      await tracing.shutdown();
      expect(globals()).toEqual(unregistered);
    });
  });

  describe('OTEL_SDK_DISABLED, which NodeSDK reads from process.env', () => {
    const before = process.env['OTEL_SDK_DISABLED'];
    afterEach(() => {
      if (before === undefined) delete process.env['OTEL_SDK_DISABLED'];
      else process.env['OTEL_SDK_DISABLED'] = before;
    });

    /** What a start with an exporter says and does: `enabled`, and the spans exported. */
    const started = async () => {
      const exporter = new InMemorySpanExporter();
      const tracing = startTracing({ model: 'test', exporter, instrument: false });
      trace.getTracer('test').startSpan('span').end();
      const exported = exporter.getFinishedSpans().map((s) => s.name);
      await tracing.shutdown();
      return { enabled: tracing.enabled, exported };
    };

    it('=true: reports tracing off with an exporter given, as nothing is recorded', async () => {
      process.env['OTEL_SDK_DISABLED'] = 'true';
      expect(await started()).toEqual({ enabled: false, exported: [] });
    });

    it('negative control: unset, the same start records, and says so', async () => {
      delete process.env['OTEL_SDK_DISABLED'];
      expect(await started()).toEqual({ enabled: true, exported: ['span'] });
    });
  });
});
