import autocannon from 'autocannon';
import { LatencyRecorder } from './latency-recorder';
import type { DriverRun, LoadDriver, StreamPlan, StreamResult } from './load-driver';

/**
 * autocannon as the lab's driver. A stream with a `rate` uses autocannon's `overallRate`: a
 * fixed number of requests per second across its connections — open-model-like as long as
 * connections are free; when every connection is busy the request is not sent, and we count it
 * as `dropped` — "not sent: over the target rate" in the report — rather than letting the arrival
 * rate silently sag (a closed loop would hide the overload). autocannon holds at most `rate`
 * connections (it lowers `connections` to the rate), so a scenario that must hold N connections
 * asks for a rate of at least N. Latencies come from each response event, kept exactly.
 */
export class AutocannonDriver implements LoadDriver {
  readonly name = 'autocannon';

  async run({ streams, durationSeconds, window }: DriverRun): Promise<StreamResult[]> {
    const measured = streams.find((s) => s.measure);
    return Promise.all(
      streams.map((stream) =>
        this.#runStream(stream, durationSeconds, (ms) => {
          if (stream === measured) window?.record(ms);
        }),
      ),
    );
  }

  async #runStream(
    stream: StreamPlan,
    durationSeconds: number,
    onAnswer: (latencyMs: number) => void,
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
          onAnswer(responseTime);
        } else {
          failures[String(statusCode)] = (failures[String(statusCode)] ?? 0) + 1;
        }
      },
    );
    const result = await finished;
    if (result.errors > 0) failures['error'] = result.errors - result.timeouts;
    if (result.timeouts > 0) failures['timeout'] = result.timeouts;
    const failed = Object.values(failures).reduce((a, b) => a + b, 0);
    const sent = requestsSent(stream, result.requests.sent);
    const expected = stream.rate ? Math.floor(stream.rate * durationSeconds) : 0;
    return {
      name: stream.name,
      measure: stream.measure,
      durationSeconds,
      sent,
      ok,
      failed,
      dropped: Math.max(0, expected - sent),
      failures,
      rps: Math.round((ok / durationSeconds) * 100) / 100,
      latencyMs: recorder.summary(),
    };
  }
}

/**
 * Requests autocannon really wrote. Its `requests.sent` starts each connection at its per-second
 * rate (lib/run.js: "we will miss the initial request emits because the client emits request on
 * construction" — then it adds the whole `rate`, not the one request a connection sends at
 * construction), so with `overallRate` it overcounts by the rate less the connections: a stream
 * at 100 req/s on 4 connections that wrote 101 requests reports 197. Without a rate it is exact.
 */
export function requestsSent(
  stream: Pick<StreamPlan, 'rate' | 'connections'>,
  reported: number,
): number {
  if (!stream.rate) return reported;
  const connections = Math.min(stream.connections, stream.rate); // autocannon lowers it to the rate
  return Math.max(0, reported - stream.rate + connections);
}
