/**
 * `lab compare` on two real reports of this machine, committed as fixtures: the same quick run
 * (async and threads; cpu and io-saturation; 6 s each, made on a quiet machine) with WORKERS=1 and
 * WORKERS=2. Every figure is checked against the reports themselves, computed here independently.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareHtml, compareMarkdown } from '../src/compare/compare-page';
import { compareReports, MIN_DIFFERENCE, MIN_INTERVALS } from '../src/compare/compare-reports';
import { readReport, type ComparableReport } from '../src/compare/read-report';

const fixture = (name: string) => join(__dirname, 'fixtures', 'reports', name);
const a = readReport(fixture('workers-1.json'));
const b = readReport(fixture('workers-2.json'));
const comparison = compareReports(a, b);

const resultOf = (report: ComparableReport, scenario: string, model: string) => {
  const found = report.scenarios
    .find((s) => s.id === scenario)
    ?.results.find((r) => r.model === model);
  if (!found) throw new Error(`no ${scenario}/${model} in the fixture`);
  return found;
};

/** Sample standard deviation over mean, written out again rather than imported. */
function cv(values: number[]): number | undefined {
  if (values.length < MIN_INTERVALS) return undefined;
  const mean = values.reduce((x, y) => x + y, 0) / values.length;
  const sd = Math.sqrt(values.reduce((x, v) => x + (v - mean) ** 2, 0) / (values.length - 1));
  return sd / mean;
}

describe('lab compare on two real reports (WORKERS=1 vs WORKERS=2)', () => {
  it('says what differs in how they were made', () => {
    expect(comparison.setup.find((s) => s.field === 'WORKERS')).toEqual({
      field: 'WORKERS',
      a: '1',
      b: '2',
    });
    expect(comparison.unmatched).toEqual([]);
  });

  it('has every figure of every scenario × model, io’s memory per connection only where judged on it', () => {
    const keys = comparison.rows.map((r) => `${r.scenario}/${r.model}/${r.figure}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const scenario of ['cpu', 'io-saturation'])
      for (const model of ['async', 'threads'])
        expect(keys.filter((k) => k.startsWith(`${scenario}/${model}/`))).toEqual(
          ['rps', 'p50', 'p99', 'rss', 'cpu'].map((f) => `${scenario}/${model}/${f}`),
        );
  });

  it.each([
    ['cpu', 'threads'],
    ['cpu', 'async'],
    ['io-saturation', 'async'],
  ])(
    '%s/%s: req/s side by side, its ratio, the noise from the per-interval samples and the flag',
    (scenario, model) => {
      const ra = resultOf(a.report, scenario, model);
      const rb = resultOf(b.report, scenario, model);
      const row = comparison.rows.find(
        (r) => r.scenario === scenario && r.model === model && r.figure === 'rps',
      );
      const inner = (r: typeof ra) => r.samples.slice(1, -1).map((s) => s.rps ?? NaN);
      const noise = Math.hypot(cv(inner(ra)) ?? NaN, cv(inner(rb)) ?? NaN);
      const ratio = rb.summary.rps / ra.summary.rps;
      expect(row).toEqual({
        scenario,
        model,
        figure: 'rps',
        label: 'req/s',
        a: ra.summary.rps,
        b: rb.summary.rps,
        ratio,
        noise,
        flag: Math.abs(ratio - 1) > Math.max(noise, MIN_DIFFERENCE) ? 'differs' : 'within noise',
      });
    },
  );

  it('never flags a difference the page shows as 1.00×: a fixed rate’s req/s has no spread', () => {
    // io-saturation runs at a fixed rate: every interval answers the rate, so the noise is ~0
    // and 5907 against 5902 req/s was flagged as differing.
    const row = comparison.rows.find(
      (r) => r.scenario === 'io-saturation' && r.model === 'threads' && r.figure === 'rps',
    );
    expect(row?.noise).toBeLessThan(0.001);
    expect(Math.abs((row?.ratio ?? 0) - 1)).toBeLessThan(MIN_DIFFERENCE);
    expect(row?.flag).toBe('within noise');
  });

  it('flags the figure the change moved: threads’ cpu req/s with a second worker', () => {
    const threads = comparison.rows.find(
      (r) => r.scenario === 'cpu' && r.model === 'threads' && r.figure === 'rps',
    );
    expect(threads?.flag).toBe('differs');
    expect(threads?.ratio).toBeGreaterThan(1.3);
    // and leaves the one it cannot move alone: async has no workers to add
    const single = comparison.rows.find(
      (r) => r.scenario === 'cpu' && r.model === 'async' && r.figure === 'rps',
    );
    expect(single?.flag).toBe('within noise');
  });

  it('shows RSS in MiB and the same rows in the markdown and the page', () => {
    const rss = comparison.rows.find(
      (r) => r.scenario === 'cpu' && r.model === 'threads' && r.figure === 'rss',
    );
    expect(rss?.a).toBe(resultOf(a.report, 'cpu', 'threads').summary.rssPeakBytes / 2 ** 20);
    const markdown = compareMarkdown(comparison);
    const html = compareHtml(comparison);
    expect(markdown).toContain('| WORKERS | 1 | **2** |');
    const differing = comparison.rows.filter((r) => r.flag === 'differs').length;
    expect(markdown).toContain(`## ${differing} of ${comparison.rows.length} figures differ`);
    const figures = html.slice(html.indexOf('id="figures"'));
    expect(figures.match(/<tr class="differs">/g)?.length).toBe(differing);
  });

  it('refuses a file that is not a lab report, with its code', () => {
    expect(() => readReport(join(__dirname, 'fixtures', 'workloads', 'good.mjs'))).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_REPORT_FILE' }),
    );
    expect(() => readReport(join(__dirname, '..', 'package.json'))).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_REPORT_FILE' }),
    );
  });
});

describe('lab compare on memory per connection', () => {
  // A real io run's cluster (2,000 connections; RSS of its six samples, its idle RSS): run B is
  // the same with every RSS reading 5 MiB higher, so its peak is, and its spread is unchanged.
  const MiB = 2 ** 20;
  const rss = [356941824, 372060160, 378560512, 380297216, 386445312, 393527296];
  const report = (extra: number, rssIdleBytes: number | undefined): ComparableReport => {
    const rssPeakBytes = Math.max(...rss) + extra;
    return {
      createdAt: '2025-01-01T00:00:00Z',
      machine: { cpus: 2, cpuModel: 'x', node: '24' },
      options: {
        models: ['cluster'],
        durationSeconds: 5,
        workers: 2,
        driver: 'pacer',
        quick: false,
      },
      scenarios: [
        {
          id: 'io',
          title: 'io',
          verdict: { judge: 'memory-per-connection' },
          results: [
            {
              model: 'cluster',
              summary: {
                rps: 1931,
                p50Ms: 751,
                p99Ms: 769,
                rssPeakBytes,
                cpuPercentMean: 58,
                rssIdleBytes,
                memoryPerConnectionBytes: (rssPeakBytes - 298680320) / 2000,
              },
              samples: rss.map((r, t) => ({ t, rssBytes: r + extra, cpuPercent: 58, rps: 1931 })),
            },
          ],
        },
      ],
    };
  };
  const rowOf = (c: ReturnType<typeof compareReports>, figure: string) =>
    c.rows.find((r) => r.figure === figure);

  it('measures its noise against (RSS peak − RSS idle), the part of RSS it counts', () => {
    const c = compareReports(
      { file: 'A', report: report(0, 298680320) },
      { file: 'B', report: report(5 * MiB, 298680320) },
    );
    const mean = rss.reduce((x, y) => x + y, 0) / rss.length;
    const sd = Math.sqrt(rss.reduce((x, v) => x + (v - mean) ** 2, 0) / (rss.length - 1));
    const peak = Math.max(...rss);
    const noise = Math.hypot(sd / (peak - 298680320), sd / (peak + 5 * MiB - 298680320));
    const perConnection = rowOf(c, 'memoryPerConnection');
    expect(perConnection?.noise).toBeCloseTo(noise, 12);
    expect(perConnection?.noise).toBeCloseTo(0.18, 2); // once 0.047: the spread over all of RSS
    // 5.5% more per connection, inside that noise — as the same 5 MiB is inside RSS's.
    expect(perConnection?.ratio).toBeCloseTo(1.055, 3);
    expect([perConnection?.flag, rowOf(c, 'rss')?.flag]).toEqual(['within noise', 'within noise']);
    // The control: RSS's own noise is still its spread over its mean.
    expect(rowOf(c, 'rss')?.noise).toBeCloseTo(Math.hypot(sd / mean, sd / (mean + 5 * MiB)), 12);
  });

  it('has no noise figure for it from a report without RSS idle', () => {
    const c = compareReports(
      { file: 'A', report: report(0, undefined) },
      { file: 'B', report: report(5 * MiB, 298680320) },
    );
    expect(rowOf(c, 'memoryPerConnection')).toMatchObject({ noise: null, flag: 'unknown' });
  });
});

describe('lab compare on live heap per connection', () => {
  /** io with one async result: its live heap per connection, or a report from before schema 5. */
  const io = (live: number | null | 'absent'): ComparableReport => ({
    createdAt: '2026-12-06T00:00:00Z',
    machine: { cpus: 2, cpuModel: 'x', node: '24' },
    options: { models: ['async'], durationSeconds: 10, workers: 2, driver: 'pacer', quick: false },
    scenarios: [
      {
        id: 'io',
        title: 'io',
        verdict: { judge: 'memory-per-connection' },
        results: [
          {
            model: 'async',
            summary: {
              rps: 2000,
              p50Ms: 751,
              p99Ms: 770,
              rssPeakBytes: 300 * 2 ** 20,
              cpuPercentMean: 40,
              ...(live === 'absent' ? {} : { liveHeapPerConnectionBytes: live }),
            },
            samples: [1, 2, 3, 4].map((t) => ({ t, rssBytes: 3e8, cpuPercent: 40, rps: 2000 })),
          },
        ],
      },
    ],
  });
  const rowOf = (a: ComparableReport, b: ComparableReport) =>
    compareReports({ file: 'A', report: a }, { file: 'B', report: b }).rows.find(
      (r) => r.figure === 'liveHeapPerConnection',
    );

  it('shows the two figures in KiB and their ratio; one reading each, so its noise is unknown', () => {
    expect(rowOf(io(8192), io(9216))).toMatchObject({
      label: 'live heap KiB per connection',
      a: 8,
      b: 9,
      ratio: 1.125,
      noise: null,
      flag: 'unknown',
    });
  });

  it('has a row with no figure for a run that read none, and no row beside a report from before it was read', () => {
    expect(rowOf(io(8192), io(null))).toMatchObject({ a: 8, b: null, ratio: null });
    expect(rowOf(io('absent'), io(8192))).toBeUndefined();
    // Only where the scenario is judged on it: elsewhere no row, whatever the summary holds.
    const cpu = io(8192);
    for (const s of cpu.scenarios) s.verdict = { judge: 'throughput' };
    expect(rowOf(cpu, cpu)).toBeUndefined();
  });
});

describe('lab compare on a model that stopped, or started, answering', () => {
  // The fixture's threads service killed before the run: no 2xx answer, so every interval's
  // req/s is 0 and it has no latency; a dead process uses no CPU. Its RSS readings stay.
  const silenced = (): { file: string; report: ComparableReport } => {
    const { file, report } = readReport(fixture('workers-1.json'));
    for (const scenario of report.scenarios)
      for (const r of scenario.results.filter((x) => x.model === 'threads')) {
        r.summary = { ...r.summary, rps: 0, p50Ms: 0, p99Ms: 0, cpuPercentMean: 0 };
        r.samples = r.samples.map((s) => ({ ...s, rps: 0, p99Ms: null, cpuPercent: 0 }));
      }
    return { file: `${file} (threads silenced)`, report };
  };
  const healthy = () => readReport(fixture('workers-1.json'));
  const inner = (r: ReturnType<typeof resultOf>) => r.samples.slice(1, -1).map((s) => s.rps ?? NaN);
  const differing = (c: ReturnType<typeof compareReports>) =>
    c.rows.filter((r) => r.flag === 'differs').map((r) => `${r.scenario}/${r.model}/${r.figure}`);
  /** In the report's order: io-saturation runs first. */
  const THREADS_MOVED = [
    'io-saturation/threads/rps',
    'io-saturation/threads/cpu',
    'cpu/threads/rps',
    'cpu/threads/cpu',
  ];

  it('flags 0 → measured as differing, with no finite ratio, the noise B’s spread alone', () => {
    const c = compareReports(silenced(), healthy());
    const rb = resultOf(healthy().report, 'cpu', 'threads');
    const row = c.rows.find(
      (r) => r.scenario === 'cpu' && r.model === 'threads' && r.figure === 'rps',
    );
    // Silenced, every interval is 0: a spread of 0 over B's mean, so the noise is B's own.
    expect(row).toMatchObject({ a: 0, b: rb.summary.rps, ratio: null, flag: 'differs' });
    expect(row?.noise).toBeCloseTo(cv(inner(rb)) ?? NaN, 12);
    expect(differing(c)).toEqual(THREADS_MOVED);
    // No answers, no latency: nothing to compare, and the note says so.
    expect(
      c.rows
        .filter((r) => r.model === 'threads' && (r.figure === 'p50' || r.figure === 'p99'))
        .map((r) => [r.a, r.flag]),
    ).toEqual([
      [null, 'unknown'],
      [null, 'unknown'],
      [null, 'unknown'],
      [null, 'unknown'],
    ]);
    const markdown = compareMarkdown(c);
    expect(markdown).toContain(`## 4 of ${c.rows.length} figures differ`);
    expect(markdown).toContain(
      `| cpu | threads | req/s | 0.00 | ${rb.summary.rps.toFixed(1)} | — | ${Math.round((row?.noise ?? 0) * 100)}% | differs |`,
    );
    expect(markdown).toContain(
      '0 in A and not in B (a model that started answering) has no finite ratio',
    );
    expect(markdown).toContain(
      'a run without the figure (A or B "—": a model with no answers has no latency',
    );
    const html = compareHtml(c);
    expect(html.slice(html.indexOf('id="figures"')).match(/<tr class="differs">/g)?.length).toBe(4);
  });

  it('flags measured → 0 as differing, its ratio 0', () => {
    const c = compareReports(healthy(), silenced());
    const ra = resultOf(healthy().report, 'io-saturation', 'threads');
    const row = c.rows.find(
      (r) => r.scenario === 'io-saturation' && r.model === 'threads' && r.figure === 'rps',
    );
    expect(row).toMatchObject({ a: ra.summary.rps, b: 0, ratio: 0, flag: 'differs' });
    expect(row?.noise).toBeCloseTo(cv(inner(ra)) ?? NaN, 12);
    expect(differing(c)).toEqual(THREADS_MOVED);
    expect(compareMarkdown(c)).toContain(`## 4 of ${c.rows.length} figures differ`);
  });

  it('flags nothing between two equal healthy runs, nor between two silent ones (the controls)', () => {
    const same = compareReports(healthy(), healthy());
    expect(same.rows.length).toBe(comparison.rows.length);
    expect(differing(same)).toEqual([]);
    expect(same.rows.filter((r) => r.figure === 'rps').map((r) => r.flag)).toEqual(
      Array(4).fill('within noise'),
    );
    const dead = compareReports(silenced(), silenced());
    expect(differing(dead)).toEqual([]);
    expect(
      dead.rows
        .filter((r) => r.model === 'threads' && r.figure === 'rps')
        .map((r) => [r.a, r.b, r.ratio, r.flag]),
    ).toEqual([
      [0, 0, null, 'within noise'],
      [0, 0, null, 'within noise'],
    ]);
  });
});

describe('lab compare on a run whose driver reports nothing per interval (k6)', () => {
  /**
   * The fixture's threads as `--driver k6` reports it: its totals, every interval's `rps` (null
   * since schema 4; 0 before), written to disk and read back as `lab compare` reads it.
   */
  const k6Run = (
    rps: 0 | null,
    { schemaVersion, driver }: { schemaVersion: number | undefined; driver: string },
  ): { file: string; report: ComparableReport } => {
    const { report } = readReport(fixture('workers-1.json'));
    if (schemaVersion === undefined) delete report.schemaVersion;
    else report.schemaVersion = schemaVersion;
    report.options.driver = driver;
    for (const scenario of report.scenarios)
      for (const r of scenario.results.filter((x) => x.model === 'threads'))
        r.samples = r.samples.map((s) => ({ ...s, rps, p99Ms: null }));
    const dir = mkdtempSync(join(tmpdir(), 'lab-compare-k6-'));
    try {
      writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
      return readReport(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const rpsRows = (c: ReturnType<typeof compareReports>) =>
    c.rows.filter((r) => r.model === 'threads' && r.figure === 'rps');
  const healthy = readReport(fixture('workers-1.json'));

  it.each([
    ['null in every sample (schema 4)', null, 4],
    ['0 in every sample (schema 3 and before)', 0, 3],
    ['0 in every sample (a report without a schema version)', 0, undefined],
  ] as const)(
    'has no noise figure for its req/s: %s, the row is unknown, whichever side it is on',
    (_what, rps, schemaVersion) => {
      const read = k6Run(rps, { schemaVersion, driver: 'k6' });
      for (const c of [compareReports(read, healthy), compareReports(healthy, read)]) {
        expect(rpsRows(c).map((r) => [r.noise, r.flag])).toEqual([
          [null, 'unknown'],
          [null, 'unknown'],
        ]);
        // Its totals are the driver's own and still compare side by side.
        expect(rpsRows(c).map((r) => r.ratio)).toEqual([1, 1]);
      }
      expect(resultOf(read.report, 'cpu', 'threads').samples.map((s) => s.rps)).toContain(null);
    },
  );

  it('reads an old report’s 0s as measured when its driver measured each interval (the control)', () => {
    // The same 0s from autocannon are a model that answered nothing in every interval: its spread
    // is taken over the other run's mean (0 here), so the other run's noise is the row's.
    const silent = k6Run(0, { schemaVersion: 3, driver: 'autocannon' });
    expect(resultOf(silent.report, 'cpu', 'threads').samples.map((s) => s.rps)).not.toContain(null);
    const rows = rpsRows(compareReports(silent, healthy));
    expect(rows.every((r) => r.noise !== null && r.flag !== 'unknown')).toBe(true);
  });
});
