/** `{ expected, actual }`: the counter's value before plus `times`, and its value after. */
export interface IncrementResult {
  expected: number;
  actual: number;
}

/**
 * The model's shared counter (the guide's race-condition demo). `safe=false` must do an
 * unsynchronized read-then-write so lost updates can happen; `safe=true` must be exact.
 * Results are exact only while one increment request runs at a time.
 */
export interface CounterStore {
  increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult>;
  read(): Promise<number>;
  reset(): Promise<void>;
}
