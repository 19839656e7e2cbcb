import { performance } from 'node:perf_hooks';

/**
 * What the pacer touches of an autocannon 8 client (lib/httpClient.js; not in autocannon's
 * typings): `_doRequest()` is how a client asks to send its next request — after it connects,
 * after each answer, after a reconnect — and `'done'` is emitted when it is destroyed.
 */
export interface PacedClient {
  destroyed: boolean;
  _doRequest(): void;
  once(event: 'done', listener: () => void): unknown;
}

/**
 * How often due arrivals go out: 5 ms batches are evenly spread to the eye of any scenario here.
 */
const TICK_MS = 5;

/**
 * Evenly spaced arrivals on autocannon's connections — the open model autocannon lacks.
 * autocannon's own rate (`overallRate`) is a quota per connection per second that each
 * connection sends as fast as its answers come back, so the requests of a second arrive in a
 * burst at its start (mcollina/autocannon#174: "50 requests in 100 ms then 900 ms of nothing";
 * measured here: 40 req/s on 4 connections put all 40 of each second in its first 100 ms).
 * The pacer instead lets the k-th request of the stream go at k / rate seconds, as k6's
 * `constant-arrival-rate` does and the chaos drills' open loop does: a connection that is ready
 * waits in line (idle) instead of sending; each due arrival takes the longest-idle connection;
 * an arrival due when no connection is idle is not sent (`onDropped`: the model is saturated) —
 * never queued, so an overload cannot slow the arrivals down or hide in the latency.
 *
 * It works by replacing each client's `_doRequest` (in `setupClient`, before the client first
 * calls it) with "wait in line", and calling the original when an arrival takes the client.
 * That is autocannon's internal API: autocannon is pinned, and the driver's test measures the
 * spread of arrivals at a real server, so an upgrade that changes it fails there.
 */
export class Pacer {
  readonly #rate: number;
  readonly #onDropped: () => void;
  /** Ready connections, longest idle first (a Map keeps insertion order), each with its send. */
  readonly #idle = new Map<PacedClient, () => void>();
  #startedAt = 0;
  #launched = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @param rate arrivals per second, > 0 */
  constructor(rate: number, onDropped: () => void) {
    this.#rate = rate;
    this.#onDropped = onDropped;
  }

  /** Takes over when `client` sends: call from autocannon's `setupClient`. */
  adopt(client: PacedClient): void {
    const send = client._doRequest.bind(client);
    client._doRequest = () => {
      if (!client.destroyed) this.#idle.set(client, send);
    };
    client.once('done', () => this.#idle.delete(client));
  }

  /** Arrivals count from now. */
  start(): void {
    this.#startedAt = performance.now();
    this.#launched = 0;
    this.#timer = setInterval(() => this.#release(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#idle.clear();
  }

  #release(): void {
    const due = Math.floor(((performance.now() - this.#startedAt) / 1000) * this.#rate);
    for (; this.#launched < due; this.#launched++) {
      const next = this.#idle.entries().next();
      if (next.done) {
        this.#onDropped();
        continue;
      }
      const [client, send] = next.value;
      this.#idle.delete(client);
      send();
    }
  }
}
