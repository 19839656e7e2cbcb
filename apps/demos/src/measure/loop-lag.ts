import { percentile } from '@concurrency-lab/report-kit';

export interface LagSample {
  /** ms since the recording started. */
  tMs: number;
  /** How late the sampling timer fired, in ms. */
  lateMs: number;
}

/** How late the loop ran its timers: percentiles of the samples' `lateMs`, never the period. */
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
 * Records how late this thread's event loop ran a timer due every `everyMs`, until the returned
 * `stop()`: each tick's lateness (the picture over time) and their percentiles (the table), from
 * the same samples. Not Node's monitorEventLoopDelay: its histogram holds the time between ticks,
 * so a free loop reads the whole period (~10 ms) where these read ~0. An empty recording (stopped
 * before any tick was due) reads 0. `stop()` may be called again: it answers the same figures.
 */
export function recordLoopLag(everyMs = 10): { stop(): LagRecording } {
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
      const late = samples.map((s) => s.lateMs);
      const at = (p: number) => (late.length === 0 ? 0 : percentile(late, p));
      recording = { p50Ms: at(50), p99Ms: at(99), maxMs: Math.max(0, ...late), samples };
      return recording;
    },
  };
}
