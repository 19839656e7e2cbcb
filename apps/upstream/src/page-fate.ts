import { mulberry32 } from './mulberry32';
import type { PageQuery } from './parse-page-query';
import type { UpstreamOptions } from './upstream-options';

/** What happens to one page request: whether it fails, spikes or is reset, and its delay. */
export interface PageFate {
  /** Answered `failureStatus` instead of the page (drawn, or forced by `?fail=1`). */
  failed: boolean;
  /** Got `spikeMs` on top of its delay. */
  spiked: boolean;
  /** Its connection is reset mid-body. */
  reset: boolean;
  /** How long before it is answered, in milliseconds: spike, then latency plus jitter. */
  delayMs: number;
}

/** XORed into the seed for the fault stream: any constant that is not 0 does. */
const FAULT_STREAM = 0x5bd1e995;

/**
 * The fates of a server's page requests, one call per request in arrival order. Each call draws
 * exactly two numbers from a PRNG seeded with `seed` (failure, jitter) and two from a second
 * stream derived from it (spike, reset), so the n-th page request has the same fate on every
 * run with the same options — and switching a fault on does not change which requests fail or
 * how much jitter they get. The fates depend on `config` and the queries alone, in order: no
 * clock, no socket (the server waits `delayMs`; this only decides it), so a test reads the seeded
 * draws without timing anything.
 */
export function pageFates(config: UpstreamOptions): (query: PageQuery) => PageFate {
  const random = mulberry32(config.seed);
  // A separate stream for the fault switches, so turning one on leaves the failure and jitter
  // sequence of a seed exactly as it was (a lab comparison keeps its baseline).
  const faultRandom = mulberry32(config.seed ^ FAULT_STREAM);
  return (query) => {
    // Always draw all four numbers (even when forced to fail or the latency is overridden) so
    // one request's query never shifts the fate of the requests after it.
    const failDraw = random();
    const jitterDraw = random();
    const spikeDraw = faultRandom();
    const resetDraw = faultRandom();
    const spiked = spikeDraw < config.spikeRate;
    return {
      failed: query.fail || failDraw < config.failureRate,
      spiked,
      reset: resetDraw < config.resetRate,
      // Jitter is in [0, jitterMs], both ends included: floor over jitterMs + 1 integer steps.
      delayMs:
        (spiked ? config.spikeMs : 0) +
        (query.latencyMs ?? config.latencyMs + Math.floor(jitterDraw * (config.jitterMs + 1))),
    };
  };
}
