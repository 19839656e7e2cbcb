import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagSample {
  /** ms since the recording started. */
  tMs: number;
  /** How late the sampling timer fired, in ms. */
  lateMs: number;
}

export interface LagRecording {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: LagSample[];
}

/**
 * Records this thread's event-loop delay until the returned `stop()`: Node's histogram
 * (monitorEventLoopDelay) for the percentiles, and a timer every `everyMs` for the picture over
 * time — how late each tick fired.
 */
export function recordLoopLag(everyMs = 10): { stop(): LagRecording } {
  const histogram = monitorEventLoopDelay({ resolution: everyMs });
  histogram.enable();
  const start = performance.now();
  const samples: LagSample[] = [];
  let expected = start + everyMs;
  const timer = setInterval(() => {
    const now = performance.now();
    samples.push({ tMs: Math.round(now - start), lateMs: Math.max(0, now - expected) });
    expected = now + everyMs;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      return {
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        samples,
      };
    },
  };
}
