import type { StreamPlan, StreamResult } from '../src/drivers/load-driver';
import type { Report, Sample } from '../src/report/report-schema';
import { summarize } from '../src/report/summarize';
import { summaryRows } from '../src/report/summary-rows';
import { result, scenario } from './support/results';

const plan: StreamPlan = {
  name: 'fib',
  url: 'http://127.0.0.1:1/cpu/fib?n=30',
  method: 'GET',
  connections: 8,
  rate: undefined,
  measure: true,
};
const stream: StreamResult = {
  name: 'fib',
  measure: true,
  durationSeconds: 4,
  sent: 400,
  ok: 400,
  failed: 0,
  dropped: 0,
  failures: {},
  rps: 100,
  latencyMs: { p50: 10, p90: 20, p95: 25, p99: 30, max: 40, mean: 12 },
};

/**
 * Samples as the sampler takes them: sample 0 at the measurement's start, then one per interval.
 */
const samples = (rows: [cpuPercent: number, lagP99Ms: number | null, elu: number | null][]) =>
  rows.map(([cpuPercent, lagP99Ms, elu], i): Sample => ({
    t: i,
    rps: 100,
    p99Ms: 30,
    rssBytes: 100 * 2 ** 20,
    cpuPercent,
    lagP99Ms,
    elu,
    oldSpaceUsedBytes: null,
  }));

/** The summary of the one fib stream measured over `rows` of samples (50 MiB idle). */
const summaryOver = (rows: Parameters<typeof samples>[0]) =>
  summarize([plan], [stream], samples(rows), { rssIdleBytes: 50 * 2 ** 20, rssAfterBytes: 0 });

describe('a model’s summary', () => {
  it('leaves the sample taken as the measurement starts out of CPU, event-loop lag and ELU alike', () => {
    // Sample 0's lag and ELU cover the time since the previous scrape: the warm-up and the idle
    // time while other models ran (its CPU has no earlier reading at all).
    const summary = summaryOver([
      [0, 97.45, 0.507],
      [180, 40.67, 1],
      [190, 31.2, 1],
      [170, null, null],
      [200, 35, 1],
    ]);
    expect(summary).toMatchObject({ cpuPercentMean: 185, lagP99MaxMs: 40.67, eluMean: 1 });
  });

  it('has no lag or ELU figure (null, not 0) when only the first sample had one', () => {
    const summary = summaryOver([
      [0, 97.45, 0.507],
      [150, null, null],
    ]);
    expect(summary).toMatchObject({ cpuPercentMean: 150, lagP99MaxMs: null, eluMean: null });
  });

  it('has no lag or ELU figure when every scrape went unanswered, and the table shows —', () => {
    // async's loop busy with the work the whole time: each /metrics scrape timed out. A lag p99
    // of 0.0 and an ELU of 0 would say the loop sat idle — and call the work I/O-bound.
    const blocked = summaryOver([
      [0, null, null],
      [99.8, null, null],
      [99.8, null, null],
    ]);
    expect(blocked).toMatchObject({ cpuPercentMean: 99.8, lagP99MaxMs: null, eluMean: null });
    const report = { scenarios: [scenario('cpu', [result('async', 100, 30, 100, blocked)])] };
    const [row] = summaryRows(report as unknown as Report);
    expect(row?.at(-1)).toBe('—');
    // The control: a lag read is shown.
    const read = { ...blocked, lagP99MaxMs: 12.34 };
    const [readRow] = summaryRows({
      scenarios: [scenario('cpu', [result('async', 100, 30, 100, read)])],
    } as unknown as Report);
    expect(readRow?.at(-1)).toBe('12.3');
  });

  it('has memory per connection 0, never negative, when RSS never rose above the idle reading', () => {
    // GC can hand pages back during the run: every reading below idle. A negative figure would make
    // the model the best on memory for having returned memory, not for holding connections cheaply.
    const at = (peakMiB: number) =>
      summarize(
        [plan],
        [stream],
        samples([[0, 1, 0.5]]).map((s) => ({ ...s, rssBytes: peakMiB * 2 ** 20 })),
        { rssIdleBytes: 100 * 2 ** 20, rssAfterBytes: 95 * 2 ** 20 },
      ).memoryPerConnectionBytes;
    expect(at(90)).toBe(0);
    // The control: a peak 8 MiB over idle on 8 connections is 1 MiB each.
    expect(at(108)).toBe(2 ** 20);
  });

  it('has live heap per connection from the old space after the collection over the idle one, or none', () => {
    const at = (memory: Partial<Parameters<typeof summarize>[3]>) =>
      summarize([plan], [stream], samples([[0, 1, 0.5]]), {
        rssIdleBytes: 50 * 2 ** 20,
        rssAfterBytes: 0,
        ...memory,
      }).liveHeapPerConnectionBytes;
    // 8 connections: 20 MiB idle, 20 MiB + 8 × 8 KiB after the collection.
    const held = 20 * 2 ** 20 + 8 * 8192;
    expect(at({ oldSpaceIdleBytes: 20 * 2 ** 20, oldSpaceHeldBytes: held })).toBe(8192);
    // Below the idle reading: 0, never a negative figure that would win on memory.
    expect(at({ oldSpaceIdleBytes: 30 * 2 ** 20, oldSpaceHeldBytes: held })).toBe(0);
    // No collection seen, or no idle reading (the process's own heap would count): no figure.
    expect(at({ oldSpaceIdleBytes: 20 * 2 ** 20, oldSpaceHeldBytes: null })).toBeNull();
    expect(at({ oldSpaceIdleBytes: null, oldSpaceHeldBytes: held })).toBeNull();
    expect(at({})).toBeNull();
  });

  it('counts every stream’s failures, and only the measured stream’s dropped arrivals', () => {
    // fairness: a hog stream beside the measured one; the hog's 503s are the model's failures.
    const hog: StreamPlan = { ...plan, name: 'hog', measure: false };
    const ping: StreamPlan = { ...plan, name: 'ping', rate: 100, measure: true };
    const summary = summarize(
      [hog, ping],
      [
        { ...stream, name: 'hog', measure: false, failed: 7, failures: { '503': 7 }, dropped: 5 },
        { ...stream, name: 'ping', measure: true, failed: 2, failures: { '503': 2 }, dropped: 1 },
      ],
      samples([[0, 1, 0.5]]),
      { rssIdleBytes: 50 * 2 ** 20, rssAfterBytes: 0 },
    );
    expect(summary).toMatchObject({ failed: 9, dropped: 1, connections: 16 });
  });

  it('credits a fixed rate no more than the share of the window’s arrivals that went out', () => {
    /** The summary of a stream at `rate` req/s over a 1 s window (`--quick`). */
    const at = (rate: number, figures: Pick<StreamResult, 'sent' | 'ok' | 'dropped'>) =>
      summarize(
        [{ ...plan, rate, connections: Math.min(rate, 2000) }],
        [{ ...stream, ...figures, durationSeconds: 1, rps: figures.ok }],
        samples([[0, 1, 0.5]]),
        { rssIdleBytes: 50 * 2 ** 20, rssAfterBytes: 0 },
      ).sustained;
    // A model answering each request in 1500 ms at 1 req/s: the window's one answer is to the
    // warm-up's request, and the window's arrival found the connection busy. req/s over the rate
    // says 1 (kept up); it took none of the window's arrivals.
    expect(at(1, { sent: 0, ok: 1, dropped: 1 })).toBe(0);
    expect(at(1, { sent: 1, ok: 1, dropped: 1 })).toBe(0.5);
    // io at --quick (750 ms waits, 2,000 req/s): one arrival dropped on a loaded machine. Most
    // answers of the window are to the warm-up's requests, and they still count: kept up.
    expect(at(2000, { sent: 1999, ok: 1990, dropped: 1 })).toBe(0.995);
    // The control: nothing dropped, req/s over the rate alone.
    expect(at(2000, { sent: 2000, ok: 1990, dropped: 0 })).toBe(0.995);
    expect(at(1, { sent: 1, ok: 1, dropped: 0 })).toBe(1);
  });

  it('weighs the answers against the whole arrivals a window had room for, however late it closed', () => {
    /** The summary of a stream at `rate` req/s whose 1 s window closed after `seconds`. */
    const closedAfter = (seconds: number, rate: number, ok: number) =>
      summarize(
        [{ ...plan, rate, connections: Math.min(rate, 2000) }],
        [
          {
            ...stream,
            sent: ok,
            ok,
            dropped: 0,
            durationSeconds: seconds,
            rps: Math.round((ok / seconds) * 100) / 100,
          },
        ],
        samples([[0, 1, 0.5]]),
        { rssIdleBytes: 50 * 2 ** 20, rssAfterBytes: 0 },
      ).sustained;
    // A run that ended on a late tick of a loaded machine: at 1 req/s, 1.13 s holds one arrival,
    // and its one answer kept up (req/s over the rate, 0.88, read "overloaded").
    expect(closedAfter(1.13, 1, 1)).toBe(1);
    expect(closedAfter(1, 1, 1)).toBe(1);
    // The controls: no answer is none kept; at 2 req/s, 1.6 s has room for 3, and 1 is a third.
    expect(closedAfter(1.13, 1, 0)).toBe(0);
    expect(closedAfter(1.6, 2, 1)).toBe(0.333);
    // At a high rate the figure is req/s over the rate, as before: 1,990 of 2,000.
    expect(closedAfter(1.04, 2000, 1990)).toBe(0.957);
  });
});
