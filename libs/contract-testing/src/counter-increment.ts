/** The contract's answer to `POST /counter/increment`: the increments asked for, and kept. */
export interface CounterIncrement {
  expected: number;
  actual: number;
}

/**
 * `POST /counter/increment?times=…&safe=…` on the service at `base`: the model's shared counter
 * incremented `times` times, under its lock (`safe`) or racing without one.
 */
export async function incrementCounter(
  base: string,
  times: number,
  safe: boolean,
): Promise<CounterIncrement> {
  const response = await fetch(`${base}/counter/increment?times=${times}&safe=${safe}`, {
    method: 'POST',
  });
  return ((await response.json()) as { result: CounterIncrement }).result;
}
