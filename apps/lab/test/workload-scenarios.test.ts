import { join } from 'node:path';
import { selectScenarios } from '../src/run-lab';
import { loadScenarioCatalog } from '../src/scenario-catalog';
import { workloadGuide, workloadScenarios } from '../src/workload/workload-scenarios';
import { result, scenario } from './support/results';

const probe = { path: '/w.mjs', describe: 'a JSON transform', inputs: 4, probeMs: 3 };
const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));

describe('the workload’s scenarios', () => {
  const [saturation, rate, fairness] = workloadScenarios(probe);

  it('are saturation (closed loop), a fixed rate and fairness, on /work/custom, judged like the catalog’s', () => {
    expect([saturation, rate, fairness].map((s) => [s?.id, s?.judge ?? 'throughput'])).toEqual([
      ['workload', 'throughput'],
      ['workload-rate', 'p99'],
      ['workload-fairness', 'p99'],
    ]);
    expect(saturation?.streams.map((s) => [s.path, s.rate, s.measure])).toEqual([
      ['/work/custom', undefined, true],
    ]);
    expect(fairness?.streams.map((s) => [s.path, s.measure])).toEqual([
      ['/work/custom', false],
      ['/io/sleep?ms=10', true],
    ]);
  });

  it('set the fixed rate at half the slowest model’s measured capacity', () => {
    const measured = scenario('workload', [
      result('async', 300, 10, 1),
      result('threads', 500, 10, 1),
      result('cluster', 91, 10, 1),
    ]);
    const resolved = rate?.resolve?.([measured]);
    expect(resolved?.streams[0]?.rate).toBe(45);
    expect(resolved?.title).toContain('45 req/s');
  });

  it('take the guide’s row from how busy the one event loop was at saturation', () => {
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.95 })]).text).toMatch(
      /^CPU-bound/,
    );
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.2 })]).text).toMatch(
      /^I\/O-bound/,
    );
  });

  it('can be picked with --scenarios beside the catalog’s, and an unknown id is a usage error', () => {
    const all = [...catalog.scenarios, ...workloadScenarios(probe)];
    expect(selectScenarios(all, ['workload', 'cpu']).map((s) => s.id)).toEqual(['cpu', 'workload']);
    expect(() => selectScenarios(catalog.scenarios, ['workload'])).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_USAGE' }),
    );
  });
});
