import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './latency-recorder';
import { Pacer, type PacedClient } from './pacer';
import type { DriverRun, LoadDriver, StreamPlan, StreamResult } from './load-driver';

/**
 * autocannon as the lab's driver. Warm-up and measurement are one autocannon run per stream:
 * the connections are opened once, in the warm-up, and the measurement is the window after it
 * — steady state on connections already held, so opening thousands of them (and the SYN
 * retries a full accept queue causes) is not in the figures. Only what happens in the window
 * counts: requests written (each connection's `request` event, via `setupClient`), answers,
 * errors and timeouts, by the time they happen. A latency counts only when its request was
 * written in the window: autocannon 8 starts a request's clock when it asks to write it, and a
 * connection asks for its first request right after `net.connect` (lib/httpClient.js
 * `_connect`), so the first answer on each connection carries the connect; against a server
 * whose first answer on a connection took 900 ms, counting by arrival put 916 ms into a p99
 * whose requests written in the window all took 5–7 ms.
 * req/s still counts every 2xx answer that arrives in the window, whenever it was sent: it is a
 * rate of answers over the window's seconds, and an answer that arrives in it is one the model
 * gave in it (the requests left in the air at the window's close balance those of its opening).
 *
 * A stream with a `rate` is paced by a `Pacer`: the k-th request goes at k / rate seconds on a
 * connection that is free, as k6's constant-arrival-rate sends them (autocannon's own
 * `overallRate` would send each second's requests in a burst at its start; see pacer.ts). An
 * arrival due while every connection is busy waiting for an answer is not sent, and we count it
 * as `dropped` — "not sent: over the target rate" in the report — rather than letting the rate
 * silently sag (a closed loop would hide the overload). A stream holds at most `rate`
 * connections (planStreams), so each connection is used about once a second or more.
 */
export class AutocannonDriver implements LoadDriver {
  readonly name = 'autocannon';
  readonly recordsIntervals = true;

  async run(run: DriverRun): Promise<StreamResult[]> {
    const measured = run.streams.find((s) => s.measure);
    const startedAt = performance.now();
    const measureFrom = startedAt + run.warmupSeconds * 1000;
    const started = setTimeout(() => run.onMeasure?.(), run.warmupSeconds * 1000);
    try {
      return await Promise.all(
        run.streams.map((stream) =>
          this.#runStream(stream, run, measureFrom, (ms) => {
            if (stream !== measured) return;
            if (ms === undefined) run.window?.recordUntimed();
            else run.window?.record(ms);
          }),
        ),
      );
    } finally {
      clearTimeout(started);
    }
  }

  async #runStream(
    stream: StreamPlan,
    run: DriverRun,
    measureFrom: number,
    /** Each 2xx answer of the window, with its latency when its request was written in it. */
    onAnswer: (latencyMs: number | undefined) => void,
  ): Promise<StreamResult> {
    const recorder = new LatencyRecorder();
    const failures: Record<string, number> = {};
    const fail = (kind: string) => {
      if (performance.now() >= measureFrom) failures[kind] = (failures[kind] ?? 0) + 1;
    };
    let ok = 0;
    let sent = 0;
    /** The longest any answer to a request of the window took (2xx or not). */
    let slowest = 0;
    let dropped = 0;
    const pacer = stream.rate
      ? new Pacer(stream.rate, () => {
          if (performance.now() >= measureFrom) dropped++;
        })
      : undefined;
    let instance: autocannon.Instance | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      // The callback form returns the instance, whose 'reqError' events carry each failure.
      instance = autocannon(
        {
          url: stream.url,
          method: stream.method,
          connections: stream.connections,
          duration: run.warmupSeconds + run.durationSeconds,
          // autocannon notices the end of `duration` on its sampling tick: at the default
          // 1000 ms a 0.25 s run lasts a second and a 10 s one may last 11. At 100 ms the
          // overrun is small, and the figures use the window it really measured.
          sampleInt: 100,
          timeout: 30,
          // Each connection says when it writes a request (autocannon's typings omit the event),
          // and waits for the pacer's arrivals when the stream has a rate.
          setupClient: (client) => {
            const events = client as unknown as NodeJS.EventEmitter;
            // When this connection's request in the air was written (undefined: none). The lab
            // never pipelines, so a connection has at most one; a reconnect's request replaces it.
            let waitingSince: number | undefined;
            events.on('request', () => {
              waitingSince = performance.now();
              if (waitingSince >= measureFrom) sent++;
            });
            // The client's own 'response' event, not the instance's: the client emits it before
            // it writes its next request (lib/httpClient.js, kOnMessageComplete), so here
            // `waitingSince` is still when the request this answers was written.
            events.on('response', (statusCode: number, _bytes: number, responseTime: number) => {
              const writtenAt = waitingSince;
              waitingSince = undefined;
              if (performance.now() < measureFrom) return; // the warm-up's
              // Written in the warm-up: its latency holds warm-up time (a connect, a cold
              // start), so it stays out of the latencies; the answer still counts for req/s.
              const timed = writtenAt !== undefined && writtenAt >= measureFrom;
              if (timed) slowest = Math.max(slowest, responseTime);
              if (statusCode >= 200 && statusCode < 300) {
                ok++;
                if (timed) recorder.record(responseTime);
                onAnswer(timed ? responseTime : undefined);
              } else {
                fail(String(statusCode));
              }
            });
            events.on('connError', () => (waitingSince = undefined)); // counted as `error`
            // autocannon destroys every client when the run ends ('done'), dropping what is still
            // in the air: with `timeout` longer than the run, a model that froze showed a calm
            // p99. A request of the window still waiting then, and already for longer than any
            // answer of the window took, is the tail, not one merely in flight at the edge: its
            // wait so far goes into the latency as a lower bound, so p99 and max show the stall.
            // Not a failure: it may yet be answered (a request queued behind CPU work in
            // `fairness` is late, not lost), and `sent` − `ok` − `failed` says how many were left.
            events.once('done', () => {
              if (waitingSince === undefined || waitingSince < measureFrom) return;
              const waited = performance.now() - waitingSince;
              if (waited > slowest) recorder.record(waited);
            });
            pacer?.adopt(client as unknown as PacedClient);
          },
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    instance?.on('reqError', (error: Error) =>
      fail(error.message === 'request timed out' ? 'timeout' : 'error'),
    );
    pacer?.start();
    try {
      await finished;
    } finally {
      pacer?.stop();
    }
    const seconds = Math.max(1, Math.round(performance.now() - measureFrom)) / 1000;
    return {
      name: stream.name,
      measure: stream.measure,
      durationSeconds: seconds,
      sent,
      ok,
      failed: Object.values(failures).reduce((a, b) => a + b, 0),
      dropped,
      failures,
      rps: Math.round((ok / seconds) * 100) / 100,
      latencyMs: recorder.summary(),
    };
  }
}
