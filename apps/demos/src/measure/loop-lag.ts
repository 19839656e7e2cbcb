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

/** A recording's ticks as chart rows: when, and how late to the hundredth of a ms. */
export const lagPoints = (lag: LagRecording): { tMs: number; lateMs: number }[] =>
  lag.samples.map((s) => ({ tMs: s.tMs, lateMs: Number(s.lateMs.toFixed(2)) }));

/**
 * Records this thread's event-loop delay until the returned `stop()`: Node's histogram
 * (monitorEventLoopDelay) for the percentiles, and a timer every `everyMs` for the picture over
 * time — how late each tick fired. `stop()` may be called again: it answers the same figures.
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
  let recording: LagRecording | undefined;
  return {
    stop() {
      if (recording) return recording; // stopped already: the same figures
      clearInterval(timer);
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      recording = {
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        samples,
      };
      return recording;
    },
  };
}
