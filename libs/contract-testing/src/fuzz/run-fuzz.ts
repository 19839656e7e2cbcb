import fc from 'fast-check';
import { fuzzRequest } from './fuzz-arbitraries';
import { describeRequest, encodeRequest, halfCloses, type FuzzRequest } from './fuzz-request';
import { fuzzViolation, type VerdictOptions } from './fuzz-verdict';
import { rawExchange, type RawOutcome } from './raw-exchange';

export interface FuzzOptions extends VerdictOptions {
  /** Generated cases. @default 1000 */
  runs?: number;
  /** fast-check seed, to replay a run. @default random (printed in the report) */
  seed?: number;
  /**
   * How long one answer may take before the case is a hang. Cases are cheap (fib ≤ 25, sleeps
   * ≤ 20 ms), so a few seconds means stuck, not slow — even on a loaded machine.
   * @default 10000
   */
  deadlineMs?: number;
}

export interface FuzzReport {
  /** Cases run (fewer than asked only when one failed: fast-check then shrinks it). */
  runs: number;
  seed: number;
  /** Answers by status (`closed` for CONNECT's close), over every case run, shrinking included. */
  statuses: Record<string, number>;
  /**
   * Cases the contract must refuse (tagged with their refusal), over every case run: the part
   * of the fuzz where an answer that accepts is wrong, not only a 500 or a hang.
   */
  refusals: number;
  /** The smallest failing case and why it fails; absent when every case held. */
  failure?: { request: FuzzRequest; described: string; reason: string };
}

const DEFAULT_RUNS = 1000;
const DEFAULT_DEADLINE_MS = 10_000;

/**
 * Sends generated requests to the service at `baseUrl`, one connection each, and checks every
 * outcome against {@link fuzzViolation}. On a failure fast-check shrinks the case to a smallest
 * one that still fails. Usable outside jest (the chaos CLI's `--fuzz`).
 */
export async function runFuzz(baseUrl: string, options: FuzzOptions = {}): Promise<FuzzReport> {
  const port = Number(new URL(baseUrl).port);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const statuses: Record<string, number> = {};
  let refusals = 0;
  // Why each failing case failed, by its bytes: fast-check hands back the smallest one.
  const reasons = new Map<string, string>();
  const keyOf = (request: FuzzRequest) => encodeRequest(request).toString('latin1');
  const send = (request: FuzzRequest): Promise<RawOutcome> =>
    rawExchange(port, encodeRequest(request), {
      deadlineMs,
      halfClose: halfCloses(request),
      head: request.method === 'HEAD',
    });
  const property = fc.asyncProperty(fuzzRequest(), async (request) => {
    const outcome = await send(request);
    const key = outcome.kind === 'answer' ? String(outcome.status) : outcome.kind;
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (request.refusal) refusals += 1;
    const reason = fuzzViolation(request, outcome, options);
    if (reason !== undefined) reasons.set(keyOf(request), reason);
    return reason === undefined;
  });
  const details = await fc.check(property, {
    numRuns: options.runs ?? DEFAULT_RUNS,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const report: FuzzReport = { runs: details.numRuns, seed: details.seed, statuses, refusals };
  const request = details.counterexample?.[0];
  if (details.failed && request) {
    report.failure = {
      request,
      described: describeRequest(request),
      reason: reasons.get(keyOf(request)) ?? String(details.errorInstance),
    };
  }
  return report;
}
