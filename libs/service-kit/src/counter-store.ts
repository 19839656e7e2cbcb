/** `{ expected, actual }`: the counter's value before plus `times`, and its value after. */
export interface IncrementResult {
  expected: number;
  actual: number;
  /**
   * How long the request waited for its turn (ms), for `Server-Timing`'s `queue`: not part of
   * the answer's body. A store that takes no turn leaves it out (0).
   */
  waitedMs?: number;
}

/**
 * The model's shared counter (the guide's race-condition demo). `safe=false` must do an
 * unsynchronized read-then-write so lost updates can happen; `safe=true` must be exact.
 * A store takes one increment request at a time, in order of arrival, so a request's
 * before/after counts its own increments only; a request waiting for its turn gives it up when
 * its signal aborts.
 */
export interface CounterStore {
  increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult>;
  read(): Promise<number>;
  reset(): Promise<void>;
}
