import autocannon from 'autocannon';
import { LatencyRecorder } from './latency-recorder';
import type { DriverRun, LoadDriver, StreamPlan, StreamResult } from './load-driver';

/**
 * autocannon as the lab's driver. A stream with a `rate` uses autocannon's `overallRate`: a
 * fixed number of requests per second across its connections — open-model-like as long as
 * connections are free; when every connection is busy the request is not sent, and we count it
 * as `dropped` rather than letting the arrival rate silently sag (a closed loop would hide the
 * overload). Latencies come from each response event, kept exactly.
 */
export class AutocannonDriver implements LoadDriver {
  readonly name = 'autocannon';

  async run({ streams, durationSeconds, onSecond }: DriverRun): Promise<StreamResult[]> {
    const measured = streams.find((s) => s.measure);
    let answeredThisSecond = 0;
    const ticker = onSecond
      ? setInterval(() => {
          onSecond(answeredThisSecond);
          answeredThisSecond = 0;
        }, 1000)
      : undefined;
    try {
      return await Promise.all(
        streams.map((stream) =>
          this.#runStream(stream, durationSeconds, () => {
            if (stream === measured) answeredThisSecond++;
          }),
        ),
      );
    } finally {
      clearInterval(ticker);
    }
  }

  async #runStream(
    stream: StreamPlan,
    durationSeconds: number,
    onAnswer: () => void,
  ): Promise<StreamResult> {
    const recorder = new LatencyRecorder();
    const failures: Record<string, number> = {};
    let ok = 0;
    let instance: autocannon.Instance | undefined;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      // The callback form returns the instance, whose 'response' events carry each latency.
      instance = autocannon(
        {
          url: stream.url,
          method: stream.method,
          connections: stream.connections,
          duration: durationSeconds,
          timeout: 30,
          ...(stream.rate ? { overallRate: stream.rate } : {}),
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
    instance?.on(
      'response',
      (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) {
          ok++;
          recorder.record(responseTime);
          onAnswer();
        } else {
          failures[String(statusCode)] = (failures[String(statusCode)] ?? 0) + 1;
        }
      },
    );
    const result = await finished;
    if (result.errors > 0) failures['error'] = result.errors - result.timeouts;
    if (result.timeouts > 0) failures['timeout'] = result.timeouts;
    const failed = Object.values(failures).reduce((a, b) => a + b, 0);
    const expected = stream.rate ? Math.floor(stream.rate * durationSeconds) : 0;
    return {
      name: stream.name,
      measure: stream.measure,
      durationSeconds,
      sent: result.requests.sent,
      ok,
      failed,
      dropped: Math.max(0, expected - result.requests.sent),
      failures,
      rps: Math.round((ok / durationSeconds) * 100) / 100,
      latencyMs: recorder.summary(),
    };
  }
}
