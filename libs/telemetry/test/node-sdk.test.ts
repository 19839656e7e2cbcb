import { logs, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing } from '../src/start-tracing';

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

  it('leaves a LoggerProvider the host registered before it', async () => {
    const host = new LoggerProvider();
    expect(logs.setGlobalLoggerProvider(host)).toBe(true);
    const tracing = startTracing({ model: 'test', exporter: new InMemorySpanExporter() });
    expect(logs.getLoggerProvider()).toBe(host);
    await tracing.shutdown();
    expect(logs.getLoggerProvider()).toBe(host);
  });
});
