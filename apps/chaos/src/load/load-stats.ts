import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** How one request ended, as the load generator saw it. */
export type Outcome =
  | {
      kind: 'answer';
      status: number;
      latencyMs: number;
      /** The `Retry-After` header, when there was one. */
      retryAfter: string | undefined;
      /** `X-Pid` (work routes) or the `pid` of `/info`: which process answered. */
      pid: number | undefined;
      /** The problem's `code` for a 4xx/5xx problem+json answer. */
      code: string | undefined;
      /** The body as text (at most 64 KiB), for drills that read answers. */
      body: string;
    }
  /** No answer: a connection error (`ECONNRESET`, `ECONNREFUSED`, …) or the client's timeout. */
  | { kind: 'error'; code: string; latencyMs: number };

/**
 * Shed: a 503 `ERR_OVERLOADED` with `Retry-After` — refused by a bound (event-loop admission, a
 * queue) and told when to come back.
 */
export function isShed(outcome: Outcome): boolean {
  return (
    outcome.kind === 'answer' &&
    outcome.status === 503 &&
    Boolean(outcome.retryAfter) &&
    outcome.code === 'ERR_OVERLOADED'
  );
}

/** Latencies in microseconds, so sub-millisecond answers keep their resolution. */
function histogram(): RecordableHistogram {
  return createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
}

/**
 * Everything a drill reports about the requests it sent: counts by status and error code,
 * latency of the accepted (2xx) answers, and refusals without `Retry-After`.
 */
export class LoadStats {
  readonly statuses = new Map<number, number>();
  readonly errors = new Map<string, number>();
  /** Problem codes of 5xx answers (what a 500-class failure said it was). */
  readonly serverErrorCodes = new Map<string, number>();
  readonly #accepted = histogram();
  /** 503 answers without `Retry-After`: every refusal must say when to come back. */
  refusalsWithoutRetryAfter = 0;
  /**
   * 503 `ERR_OVERLOADED` with `Retry-After`: refused by a bound (event-loop admission, a queue)
   * and told when to come back — shed, not lost, when a drill's load outruns what is left of
   * the service (a killed worker, a pool refilling).
   */
  shed = 0;
  sent = 0;
  /**
   * Open loop: arrivals due in this phase and dropped, unsent, because `maxInFlight` requests
   * were outstanding.
   */
  skipped = 0;

  record(outcome: Outcome): void {
    if (outcome.kind === 'error') {
      bump(this.errors, outcome.code);
      return;
    }
    bump(this.statuses, outcome.status);
    if (outcome.status >= 200 && outcome.status < 300) {
      this.#accepted.record(Math.max(1, Math.round(outcome.latencyMs * 1000)));
    }
    if (outcome.status === 503 && !outcome.retryAfter) this.refusalsWithoutRetryAfter++;
    if (isShed(outcome)) this.shed++;
    if (outcome.status >= 500)
      bump(this.serverErrorCodes, outcome.code ?? `HTTP ${outcome.status}`);
  }

  /** Requests that ended, answered or not. */
  get completed(): number {
    return sum(this.statuses) + sum(this.errors);
  }

  get accepted(): number {
    return [...this.statuses].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
  }

  /** 503s: refused by a bound (admission, queue, shutdown). */
  get refused(): number {
    return this.statuses.get(503) ?? 0;
  }

  /** Requests that got no answer at all. */
  get unanswered(): number {
    return sum(this.errors);
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  /** Answers whose status is not in `allowed`. */
  answersExcept(allowed: readonly number[]): number {
    let n = 0;
    for (const [status, count] of this.statuses) if (!allowed.includes(status)) n += count;
    return n;
  }

  /** Answers whose status is not in `allowed`, plus requests that got no answer. */
  lostExcept(allowed: readonly number[]): number {
    return this.unanswered + this.answersExcept(allowed);
  }

  /** Percentile `p` (0–100) of accepted answers' latency, in ms; undefined when none. */
  acceptedPercentileMs(p: number): number | undefined {
    return this.#accepted.count === 0 ? undefined : this.#accepted.percentile(p) / 1000;
  }

  /** `ERR_SHUTTING_DOWN 3, ERR_OVERLOADED 2`: the 5xx answers by code; '' when none. */
  serverErrorSummary(): string {
    return [...this.serverErrorCodes].map(([code, n]) => `${code} ${n}`).join(', ');
  }

  /** `200: 1234, 503: 56, ECONNRESET: 2` — for a row's notes. */
  summary(): string {
    const parts = [...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    for (const [code, n] of [...this.errors].sort()) parts.push(`${code}: ${n}`);
    return parts.join(', ') || 'nothing sent';
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sum(map: Map<unknown, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}
