import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './latency-recorder';
import { Pacer, type PacedClient } from './pacer';
import type { DriverRun, LoadDriver, StreamPlan, StreamResult } from './load-driver';

/**
 * What the driver touches of an autocannon 8 client beyond its events (lib/httpClient.js; not in
 * autocannon's typings): `_connect()` makes each connection — the first, after an error, after
 * the server closed one, after a timeout — as `conn`, over TLS when `secure`.
 */
interface ConnectingClient {
  conn: NodeJS.EventEmitter;
  secure: boolean;
  _connect(): void;
}

export interface AutocannonDriverOptions {
  /**
   * How long a request may wait for its answer before autocannon fails it as `timeout` (whole
   * seconds, autocannon's `timeout`). Longer than any run, so a slow model's answers count as
   * late, not lost. @default 30
   */
  readonly requestTimeoutSeconds?: number;
}

/**
 * autocannon as the lab's driver. Warm-up and measurement are one autocannon run per stream:
 * the connections are opened once, in the warm-up, and the measurement is the window after it
 * — steady state on connections already held, so opening thousands of them (and the SYN
 * retries a full accept queue causes) is not in the figures. Only what happens in the window
 * counts: requests written (each connection's `request` event, via `setupClient`), answers,
 * errors and timeouts, by the time they happen. Every answer that arrives in the window counts,
 * in req/s and in the latencies, with its wait from when its request really went out — in the
 * window or in the warm-up: a model slower than the window answers in it only requests written
 * before it, and leaving their latencies out left a p99 of the cut-short waits at the close
 * (0.9 ms for a model whose every answer took 1500 ms), or none at all (0).
 * "Really went out" is not autocannon's clock: autocannon 8 starts a request's clock when it
 * asks to write it, and a connection asks for its first request right after `net.connect`
 * (lib/httpClient.js `_connect`), before the connection is made; the bytes wait in the socket
 * until it is. So the first answer on each connection carried the connect — a p99 of 916 ms
 * where every request took 5–7 ms at the server; over 1 s when a full accept queue drops the SYN
 * and the client sends it again a second later (the driver's test). A request asked for on a
 * connection not yet made starts its clock when the connection is made (`connect`, or
 * `secureConnect` over TLS): the driver's own clock, `waitingSince`, for every request.
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
  readonly #requestTimeoutSeconds: number;

  constructor(options: AutocannonDriverOptions = {}) {
    this.#requestTimeoutSeconds = options.requestTimeoutSeconds ?? 30;
  }

  async run(run: DriverRun): Promise<StreamResult[]> {
    const measured = run.streams.find((s) => s.measure);
    const startedAt = performance.now();
    const measureFrom = startedAt + run.warmupSeconds * 1000;
    const started = setTimeout(() => run.onMeasure?.(), run.warmupSeconds * 1000);
    try {
      return await Promise.all(
        run.streams.map((stream) =>
          this.#runStream(stream, run, measureFrom, (ms) => {
            if (stream === measured) run.window?.record(ms);
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
    /** Each 2xx answer of the window, with its latency. */
    onAnswer: (latencyMs: number) => void,
  ): Promise<StreamResult> {
    const recorder = new LatencyRecorder();
    const failures: Record<string, number> = {};
    const fail = (kind: string) => {
      if (performance.now() >= measureFrom) failures[kind] = (failures[kind] ?? 0) + 1;
    };
    let ok = 0;
    let sent = 0;
    /** The longest any answer of the window took (2xx or not). */
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
          timeout: this.#requestTimeoutSeconds,
          // Each connection says when it asks to write a request (autocannon's typings omit the
          // event) and when it is made, and waits for the pacer's arrivals when the stream has a
          // rate.
          setupClient: (client) => {
            const events = client as unknown as NodeJS.EventEmitter;
            const connecting = client as unknown as ConnectingClient;
            // When this connection's request in the air went out (undefined: none, or not yet).
            // The lab never pipelines, so a connection has at most one; a reconnect's replaces it.
            let waitingSince: number | undefined;
            /** Whether the connection is made, so a request asked for goes out at once. */
            let made = false;
            /** A request was asked for before the connection was made: it goes out when it is. */
            let asked = false;
            const wentOut = () => {
              waitingSince = performance.now();
              if (waitingSince >= measureFrom) sent++;
            };
            // Called at the end of autocannon's constructor, after setupClient: the first
            // connection comes through here too.
            const connect = connecting._connect.bind(connecting);
            connecting._connect = () => {
              made = false;
              asked = false;
              waitingSince = undefined; // a request in the air on the old connection is lost
              connect(); // makes `conn` and, in a closed loop, asks for the first request on it
              const { conn } = connecting;
              conn.once(connecting.secure ? 'secureConnect' : 'connect', () => {
                if (conn !== connecting.conn) return; // replaced before it was made
                made = true;
                if (asked) wentOut();
                asked = false;
              });
            };
            events.on('request', () => {
              if (made) wentOut();
              else asked = true;
            });
            // The client's own 'response' event, not the instance's: the client emits it before
            // it asks for its next request (lib/httpClient.js, kOnMessageComplete), so here
            // `waitingSince` is still when the request this answers went out.
            events.on('response', (statusCode: number, _bytes: number, responseTime: number) => {
              const now = performance.now();
              const latency = waitingSince === undefined ? responseTime : now - waitingSince;
              waitingSince = undefined;
              if (now < measureFrom) return; // the warm-up's
              slowest = Math.max(slowest, latency);
              if (statusCode >= 200 && statusCode < 300) {
                ok++;
                recorder.record(latency);
                onAnswer(latency);
              } else {
                fail(String(statusCode));
              }
            });
            events.on('connError', () => (waitingSince = undefined)); // counted as `error`
            // autocannon destroys every client when the run ends ('done'), dropping what is still
            // in the air: with `timeout` longer than the run, a model that froze showed a calm
            // p99. A request still waiting then, and already for longer than any answer of the
            // window took, is the tail, not one merely in flight at the edge: its wait so far
            // goes into the latency as a lower bound, so p99 and max show the stall — whether it
            // went out in the window or in the warm-up, as the answers count. Not a failure: it
            // may yet be answered (a request queued behind CPU work in `fairness` is late, not
            // lost), and `sent` − `ok` − `failed` says how many of the window's were left.
            events.once('done', () => {
              if (waitingSince === undefined) return;
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
