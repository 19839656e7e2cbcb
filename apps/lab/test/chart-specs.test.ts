import { chartSpecs } from '../src/report/chart-specs';
import type { ModelResult, Report, Sample } from '../src/report/report-schema';
import { sweepCharts } from '../src/sweep/sweep-page';
import type { Sweep } from '../src/sweep/sweep-schema';
import { result, scenario } from './support/results';

const sample = (t: number, value: number): Sample => ({
  t,
  rssBytes: 2 ** 20 * (100 + value),
  cpuPercent: value,
  lagP99Ms: value,
  elu: value / 100,
  oldSpaceUsedBytes: null,
  rps: 10,
  p99Ms: null,
});

describe('the over-time charts', () => {
  const threads = { ...result('threads', 100, 10, 50), samples: [sample(0, 97), sample(1, 40)] };
  const report = {
    options: { models: ['threads'] },
    scenarios: [scenario('cpu', [threads])],
  } as unknown as Report;
  const values = (id: string) => {
    const chart = chartSpecs(report).find((c) => c.id === id);
    return (chart?.spec as { data: { values: Record<string, unknown>[] } }).data.values;
  };

  it('leave out the first sample’s CPU, lag and ELU, as the summary does, and keep its RSS', () => {
    for (const id of ['cpu', 'lag']) {
      expect(values(id).map((v) => [v['cpuPercent'], v['lagP99Ms'], v['elu']])).toEqual([
        [null, null, null],
        [40, 40, 0.4],
      ]);
    }
    // The control: the moment's reading stays.
    expect(values('rss').map((v) => v['rssMiB'])).toEqual([197, 140]);
  });

  it('label a missing reading `—`, as the tables do, never `null`', () => {
    // The label a line and its points carry (aria-label in the SVG): vega-lite writes a field's
    // value as it is, so a gap read "% of a core: null".
    for (const [id, title] of [
      ['cpu', '% of a core'],
      ['lag', 'ms'],
    ] as const) {
      const chart = chartSpecs(report).find((c) => c.id === id);
      const spec = chart?.spec as { spec: { encoding: Record<string, { field?: string }> } };
      const field = spec.spec.encoding['description']?.field ?? '';
      expect(values(id).map((v) => v[field])).toEqual([
        `seconds into the measurement: 0; ${title}: —; model: threads`,
        `seconds into the measurement: 1; ${title}: 40; model: threads`,
      ]);
    }
    // The control: RSS has a reading at every sample.
    expect(values('rss').map((v) => v['description'])).toEqual([
      'seconds into the measurement: 0; MiB: 197; model: threads',
      'seconds into the measurement: 1; MiB: 140; model: threads',
    ]);
  });
});

/** A report of `scenarios` (id → its results) with `models` run. */
const reportOf = (models: string[], scenarios: Record<string, ModelResult[]>) =>
  ({
    options: { models },
    scenarios: Object.entries(scenarios).map(([id, results]) => scenario(id, results)),
  }) as unknown as Report;
type Spec = {
  data: { values: Record<string, unknown>[] };
  encoding?: { color: { scale: { domain: string[]; range: string[] } } };
  spec?: { encoding: { color: { scale: { domain: string[]; range: string[] } } } };
  layer?: { encoding: { color?: { scale: { domain: string[]; range: string[] } } } }[];
};
const scaleOf = (spec: Spec) =>
  (spec.encoding ?? spec.spec?.encoding ?? spec.layer?.[0]?.encoding)?.color?.scale;

describe('the charts’ colours', () => {
  it('list the models the run ran, each in its registry colour', () => {
    const alone = chartSpecs(reportOf(['async'], { cpu: [result('async', 10, 5, 50)] }));
    for (const chart of alone) {
      expect([chart.id, scaleOf(chart.spec as Spec)]).toEqual([
        chart.id,
        { domain: ['async'], range: ['#4c78a8'] },
      ]);
    }
    // threads alone keeps threads' colour, not the first one.
    const threads = chartSpecs(reportOf(['threads'], { cpu: [result('threads', 10, 5, 50)] }));
    expect(scaleOf(threads[0]?.spec as Spec)).toEqual({ domain: ['threads'], range: ['#f58518'] });
    // The control: two models, in the registry's order whatever --models said.
    const two = reportOf(['procpool', 'async'], {
      cpu: [result('procpool', 10, 5, 50), result('async', 10, 5, 50)],
    });
    expect(scaleOf(chartSpecs(two)[0]?.spec as Spec)).toEqual({
      domain: ['async', 'procpool'],
      range: ['#4c78a8', '#72b7b2'],
    });
  });

  it('are the sweep’s too', () => {
    const sweep = { machine: { cpus: 2 }, options: { models: ['threads'] }, points: [] };
    for (const chart of sweepCharts(sweep as unknown as Sweep)) {
      expect(scaleOf(chart.spec as Spec)).toEqual({ domain: ['threads'], range: ['#f58518'] });
    }
  });
});

describe('an over-time chart of a scenario with no reading', () => {
  // `--models async --scenarios cpu`: the blocked loop answers no /metrics scrape, so no lag.
  const sampled = (model: ModelResult['model'], lag: number | null) => ({
    ...result(model, 10, 5, 50),
    samples: [0, 1, 2].map((t) => ({ ...sample(t, 50), lagP99Ms: lag })),
  });
  const spec = (report: Report, id: string) => {
    const chart = chartSpecs(report).find((c) => c.id === id);
    return { title: chart?.title, values: (chart?.spec as Spec).data.values };
  };

  it('leaves out that scenario’s panel and says so in its title', () => {
    const report = reportOf(['async'], {
      cpu: [sampled('async', null)],
      io: [sampled('async', 3)],
    });
    const lag = spec(report, 'lag');
    expect(lag.title).toBe('Event-loop delay p99 over time (ms) — no reading in cpu');
    expect(new Set(lag.values.map((v) => v['scenario']))).toEqual(new Set(['io']));
    // The control: cpu has CPU readings, so its CPU panel stays, under the plain title.
    const cpu = spec(report, 'cpu');
    expect(cpu.title).toBe('CPU over time (% of one core)');
    expect(new Set(cpu.values.map((v) => v['scenario']))).toEqual(new Set(['cpu', 'io']));
  });

  it('keeps a panel where one model of several has a reading', () => {
    const report = reportOf(['async', 'threads'], {
      cpu: [sampled('async', null), sampled('threads', 4)],
    });
    expect(spec(report, 'lag').title).toBe('Event-loop delay p99 over time (ms)');
    expect(spec(report, 'lag').values).toHaveLength(6);
  });
});
