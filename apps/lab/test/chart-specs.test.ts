import { chartSpecs } from '../src/report/chart-specs';
import type { Report, Sample } from '../src/report/report-schema';
import { result, scenario } from './support/results';

const sample = (t: number, value: number): Sample => ({
  t,
  rssBytes: 2 ** 20 * (100 + value),
  cpuPercent: value,
  lagP99Ms: value,
  elu: value / 100,
  rps: 10,
  p99Ms: null,
});

describe('the over-time charts', () => {
  const threads = { ...result('threads', 100, 10, 50), samples: [sample(0, 97), sample(1, 40)] };
  const report = { scenarios: [scenario('cpu', [threads])] } as unknown as Report;
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
});
