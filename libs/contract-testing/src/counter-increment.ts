/** The contract's answer to `POST /counter/increment`: the increments asked for, and kept. */
export interface CounterIncrement {
  expected: number;
  actual: number;
}

/**
 * `POST /counter/increment?times=…&safe=…` on the service at `base`: the model's shared counter
 * incremented `times` times, under its lock (`safe`) or racing without one.
 * @throws Error naming the status and the problem's detail when the answer is not a 200 (a 504
 *   past the deadline read as an `undefined` result before, which said nothing of why)
 */
export async function incrementCounter(
  base: string,
  times: number,
  safe: boolean,
): Promise<CounterIncrement> {
  const response = await fetch(`${base}/counter/increment?times=${times}&safe=${safe}`, {
    method: 'POST',
  });
  const body = (await response.json()) as { result?: CounterIncrement; detail?: string };
  if (response.status !== 200 || body.result === undefined) {
    throw new Error(
      `POST /counter/increment?times=${times}&safe=${safe} answered ${response.status}: ` +
        (body.detail ?? JSON.stringify(body)),
    );
  }
  return body.result;
}
