import { join } from 'node:path';
import { selectScenarios } from '../src/run-lab';
import { loadScenarioCatalog } from '../src/scenario-catalog';
import {
  guideRows,
  workloadGuide as guideOf,
  workloadScenarios,
} from '../src/workload/workload-scenarios';
import { result, scenario } from './support/results';

const probe = { path: '/w.mjs', describe: 'a JSON transform', inputs: 4, probeMs: 3 };
const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
const rows = guideRows(catalog.scenarios);
const workloadGuide = (results: Parameters<typeof guideOf>[1]) => guideOf(rows, results);

describe('the workload’s scenarios', () => {
  const [saturation, rate, fairness] = workloadScenarios(probe, catalog.scenarios);

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

  it('measure fairness with the catalog’s own probe and guide, and refuse a catalog without it', () => {
    const fromCatalog = catalog.scenarios.find((s) => s.id === 'fairness');
    expect(fairness?.streams[1]).toEqual(fromCatalog?.streams.find((s) => s.measure));
    expect([fairness?.guide, fairness?.judge]).toEqual([fromCatalog?.guide, fromCatalog?.judge]);
    const withoutFairness = catalog.scenarios.filter((s) => s.id !== 'fairness');
    expect(() => workloadScenarios(probe, withoutFairness)).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_SCENARIO_CATALOG' }),
    );
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

  it('set that rate from the models that answered: one with no answers is no capacity', () => {
    const measured = scenario('workload', [
      result('async', 0, 0, 1),
      result('threads', 500, 10, 1),
      result('cluster', 91, 10, 1),
    ]);
    expect(rate?.resolve?.([measured]).streams[0]?.rate).toBe(45);
  });

  it('take the guide’s rows from the catalog, its one definition', () => {
    const row = (id: string) => catalog.scenarios.find((s) => s.id === id)?.guide;
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.95 })])).toEqual(row('cpu'));
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.2 })])).toEqual(row('scrape'));
    expect([saturation?.guide, rate?.resolve?.([]).guide]).toEqual([row('cpu'), row('cpu')]);
    for (const id of ['cpu', 'scrape']) {
      expect(() => guideRows(catalog.scenarios.filter((s) => s.id !== id))).toThrow(
        expect.objectContaining({ code: 'ERR_LAB_SCENARIO_CATALOG' }),
      );
    }
  });

  it('take the guide’s row from how busy the one event loop was at saturation', () => {
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.95 })]).text).toMatch(
      /^CPU-bound/,
    );
    expect(workloadGuide([result('async', 100, 1, 1, { eluMean: 0.2 })]).text).toMatch(
      /^I\/O-bound/,
    );
  });

  it('take it from CPU when async’s loop went unread or async answered nothing', () => {
    // Every /metrics scrape timed out on a loop blocked by the work: no ELU, a core in use.
    const blocked = result('async', 9.5, 3400, 1, { eluMean: null, cpuPercentMean: 99.8 });
    const threads = result('threads', 40, 800, 1, { eluMean: 0.05, cpuPercentMean: 190 });
    expect(workloadGuide([blocked, threads]).text).toMatch(/^CPU-bound/);
    // async-service answered nothing (its loop idle: it died): the models that answered decide.
    const dead = result('async', 0, 0, 1, { eluMean: 0.05, cpuPercentMean: 2 });
    expect(workloadGuide([dead, threads]).text).toMatch(/^CPU-bound/);
    // The control: light CPU everywhere is I/O-bound, read either way.
    const idle = { cpuPercentMean: 20 };
    expect(workloadGuide([{ ...blocked, summary: { ...blocked.summary, ...idle } }]).text).toMatch(
      /^I\/O-bound/,
    );
    expect(
      workloadGuide([dead, result('threads', 40, 8, 1, { eluMean: 0.05, ...idle })]).text,
    ).toMatch(/^I\/O-bound/);
  });

  it('can be picked with --scenarios beside the catalog’s, and an unknown id is a usage error', () => {
    const all = [...catalog.scenarios, ...workloadScenarios(probe, catalog.scenarios)];
    expect(selectScenarios(all, ['workload', 'cpu']).map((s) => s.id)).toEqual(['cpu', 'workload']);
    expect(() => selectScenarios(catalog.scenarios, ['workload'])).toThrow(
      expect.objectContaining({ code: 'ERR_LAB_USAGE' }),
    );
  });

  it('refuse workload-rate without workload in the same --scenarios: its rate is half what that measured', () => {
    const all = [...catalog.scenarios, ...workloadScenarios(probe, catalog.scenarios)];
    for (const ids of [['workload-rate'], ['cpu', 'workload-rate', 'workload-fairness']]) {
      expect(() => selectScenarios(all, ids)).toThrow(
        expect.objectContaining({
          code: 'ERR_LAB_USAGE',
          message: expect.stringMatching(
            /^Expected `--scenarios` to hold `workload` with `workload-rate`: .* same run; got `--scenarios /,
          ),
        }),
      );
    }
    // The controls: with workload, in either order given, it runs after it; the others need none.
    for (const ids of [
      ['workload', 'workload-rate'],
      ['workload-rate', 'workload'],
    ]) {
      expect(selectScenarios(all, ids).map((s) => s.id)).toEqual(['workload', 'workload-rate']);
    }
    expect(selectScenarios(all, ['workload-fairness', 'cpu']).map((s) => s.id)).toEqual([
      'cpu',
      'workload-fairness',
    ]);
  });
});
