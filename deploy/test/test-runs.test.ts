/**
 * The k6-operator TestRuns: one per scenario of load-tests/scenarios.json and model, running the
 * very scripts the lab runs (the ConfigMap holds the files byte for byte, and the mounted tree
 * resolves every import and the `open('../scenarios.json')`), tagged on the command line.
 */
import { parseCatalog } from '@concurrency-lab/load-tests/k6/lib/catalog.ts';
import { k6Options, runParams } from '@concurrency-lab/load-tests/k6/lib/plan.ts';
import { MODELS } from '@concurrency-lab/models';
import { posix } from 'node:path';
import { deployOptions } from '../src/deploy-options';
import {
  checkParallelism,
  configMapKey,
  K6_SCRIPTS,
  K6_SCRIPTS_MOUNT,
  k6ScriptsConfigMap,
  RUNNER_MIB_PER_VU,
  runnerVus,
  streamVus,
} from '../src/k6-test-runs';
import type { IConfigMap } from '../src/k8s-models';
import { synthesize } from '../src/manifests';
import { outputDir, readSources } from '../src/sources';
import type { TestRun } from '../src/test-run';
import { byKind, committedObjects, filesUnder, root, synthesized } from './support/synthesized';

/** What the lab's k6 runs read: every script under load-tests/k6 and scenarios.json. */
const labFiles = (() => {
  const all = filesUnder(posix.join(root, 'load-tests'));
  return Object.fromEntries(
    Object.entries(all).filter(
      ([path]) => (path.startsWith('k6/') && path.endsWith('.ts')) || path === 'scenarios.json',
    ),
  );
})();
const scenarioIds = (
  JSON.parse(labFiles['scenarios.json'] ?? '{}') as { scenarios: { id: string }[] }
).scenarios.map((s) => s.id);

let testRuns = new Map<string, TestRun>();
let scripts: IConfigMap | undefined;

beforeAll(async () => {
  const { objects } = await synthesized();
  testRuns = byKind<TestRun>(objects, 'TestRun');
  scripts = byKind<IConfigMap>(objects, 'ConfigMap').get(K6_SCRIPTS);
});

/** The `--flag value` pairs of `arguments`, split as the operator does (strings.Fields). */
function flags(testRun: TestRun | undefined): [string, string][] {
  const words = testRun?.spec.arguments.split(/\s+/) ?? [];
  return words.flatMap((word, i) => (word.startsWith('-') ? [[word, words[i + 1] ?? '']] : []));
}

describe('k6-operator TestRuns', () => {
  it('one per scenario and model, named k6-<scenario>-<model>', () => {
    expect(scenarioIds).toHaveLength(7);
    expect([...testRuns.keys()].sort()).toEqual(
      scenarioIds.flatMap((id) => MODELS.map((m) => `k6-${id}-${m.model}`)).sort(),
    );
  });

  it.each(MODELS.map((m) => [m.model, m]))(
    '%s: pushes to Prometheus, tagged model/lab_scenario/testid on the command line',
    (_name, model) => {
      for (const id of scenarioIds) {
        const testRun = testRuns.get(`k6-${id}-${model.model}`);
        expect(flags(testRun)).toEqual([
          ['--out', 'experimental-prometheus-rw'],
          ['--tag', 'testid=k8s'],
          ['--tag', `model=${model.model}`],
          ['--tag', `lab_scenario=${id}`],
        ]);
        // The operator refuses positional words: every word is a flag or follows one.
        const words = testRun?.spec.arguments.split(/\s+/) ?? [];
        expect(words.length).toBe(flags(testRun).length * 2);
        const env = Object.fromEntries(
          testRun?.spec.runner.env.map((e) => [e.name, e.value]) ?? [],
        );
        expect(env).toMatchObject({
          BASE_URL: `http://${model.app}:${model.port}`,
          MODEL: model.model,
          K6_PROMETHEUS_RW_SERVER_URL:
            'http://prometheus-operated.monitoring.svc:9090/api/v1/write',
        });
        expect(testRun?.spec.script.localFile).toBe(`${K6_SCRIPTS_MOUNT}/k6/${id}.ts`);
      }
    },
  );

  it('every runner ends its run with stale markers, generated and committed (k6 defaults to none)', () => {
    // Without K6_PROMETHEUS_RW_STALE_MARKERS=true k6's remote-write output leaves a finished run's
    // series in Prometheus for its 5-minute lookback (k6 v1.0.0 remotewrite/config.go and `Stop`
    // in remotewrite.go); docker-compose.yml's k6 sets it too (registry.test.ts holds them equal).
    const staleMarkers = (runs: Iterable<TestRun>) =>
      [...runs].map((run) => [
        run.metadata.name,
        run.spec.runner.env.find((e) => e.name === 'K6_PROMETHEUS_RW_STALE_MARKERS')?.value,
      ]);
    const committed = byKind<TestRun>(committedObjects(outputDir()), 'TestRun');
    expect(committed.size).toBe(testRuns.size);
    for (const runs of [testRuns.values(), committed.values()]) {
      const all = staleMarkers(runs);
      expect(all).toEqual(all.map(([name]) => [name, 'true']));
    }
  });

  it('the scripts ConfigMap holds exactly the lab’s files, byte for byte (generated and committed)', () => {
    const expected = Object.fromEntries(
      Object.entries(labFiles).map(([path, text]) => [configMapKey(path), text]),
    );
    expect(Object.keys(expected)).toContain('k6__lib__plan.ts');
    expect(scripts?.data).toEqual(expected);
    const committed = byKind<IConfigMap>(committedObjects(outputDir()), 'ConfigMap').get(
      K6_SCRIPTS,
    );
    expect(committed?.data).toEqual(expected);
  });

  it('refuses two files that flatten to one ConfigMap key, naming the key (one would be lost)', () => {
    // k6/a.ts and k6__a.ts both become `k6__a.ts`: the second would overwrite the first.
    expect(
      Object.keys(
        k6ScriptsConfigMap(deployOptions(), { 'k6/a.ts': '1', 'k6/b.ts': '2' }).data ?? {},
      ),
    ).toEqual(['k6__a.ts', 'k6__b.ts']);
    expect(() => k6ScriptsConfigMap(deployOptions(), { 'k6/a.ts': '1', 'k6__a.ts': '2' })).toThrow(
      expect.objectContaining({
        code: 'ERR_DEPLOY_SOURCE',
        message: 'Expected unique ConfigMap keys, got `k6__a.ts` twice',
      }),
    );
  });

  it('the runner’s volume maps every key back to its path, so imports and open() resolve', () => {
    const testRun = testRuns.get(`k6-fairness-${MODELS[0].model}`);
    const items = testRun?.spec.runner.volumes[0]?.configMap?.items ?? [];
    expect(Object.fromEntries(items.map((i) => [i.key, i.path]))).toEqual(
      Object.fromEntries(Object.keys(labFiles).map((path) => [configMapKey(path), path])),
    );
    const mounted = new Set(items.map((i) => posix.join(K6_SCRIPTS_MOUNT, i.path)));
    const unresolved: string[] = [];
    let checked = 0;
    for (const path of Object.keys(labFiles).filter((p) => p.endsWith('.ts'))) {
      const text = labFiles[path] ?? '';
      const refs = [
        ...[...text.matchAll(/from '(\.[^']+)'/g)].map((m) => m[1] as string),
        ...[...text.matchAll(/open\('([^']+)'\)/g)].map((m) => m[1] as string),
      ];
      for (const ref of refs) {
        checked += 1;
        const target = posix.join(K6_SCRIPTS_MOUNT, posix.dirname(path), ref);
        if (!mounted.has(target)) unresolved.push(`${path} → ${ref}`);
      }
    }
    expect(unresolved).toEqual([]);
    expect(checked).toBeGreaterThan(scenarioIds.length * 2); // each entry: an import and open()
    expect(mounted.has(testRun?.spec.script.localFile ?? '')).toBe(true);
  });
});

describe('parallelism (configurable at synth time)', () => {
  const fairness = readSources().scenarios.find((s) => s.id === 'fairness');
  if (!fairness) throw new Error('scenarios.json has no fairness scenario');

  it('is at most the narrowest stream’s connections: fairness (4) refuses 5, names the stream', async () => {
    expect(fairness.streams.map((s) => s.connections)).toEqual([4, 4]);
    expect(() => checkParallelism(fairness, 4)).not.toThrow();
    expect(() => checkParallelism(fairness, 5)).toThrow(
      expect.objectContaining({ code: 'ERR_DEPLOY_PARALLELISM' }),
    );
    await expect(
      synthesize(deployOptions({ parallelism: 5 }), readSources()),
    ).rejects.toMatchObject({
      code: 'ERR_DEPLOY_PARALLELISM',
    });
  });

  it('compares with the narrowest stream whatever the others: 8 and 2 connections refuse 4', () => {
    // Synthetic, since no scenario of scenarios.json mixes widths: fairness' streams are 4 and 4.
    const mixed = {
      id: 'mixed-width',
      streams: [
        { name: 'wide', connections: 8 },
        { name: 'narrow', connections: 2 },
      ],
    };
    expect(() => checkParallelism(mixed, 2)).not.toThrow();
    expect(() => checkParallelism(mixed, 4)).toThrow(
      expect.objectContaining({
        code: 'ERR_DEPLOY_PARALLELISM',
        message:
          'Expected `parallelism` to be at most 2 (stream `narrow` of scenario `mixed-width` has 2 connections), got `4`',
      }),
    );
  });

  it('goes into every TestRun', async () => {
    const { objects } = await synthesized({ parallelism: 4, testid: 'run-7' });
    const runs = [...byKind<TestRun>(objects, 'TestRun').values()];
    expect(runs.map((r) => r.spec.parallelism)).toEqual(runs.map(() => 4));
    expect(runs.every((r) => r.spec.arguments.includes('--tag testid=run-7'))).toBe(true);
  });
});

/** `1Gi` / `3264Mi` → MiB (the only forms the generator writes). */
function mib(quantity: string | number | undefined): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(String(quantity));
  if (!match) throw new Error(`Expected a quantity in Mi or Gi, got \`${String(quantity)}\``);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

/** A runner's memory request and limit in MiB. */
function runnerMemory(testRun: TestRun | undefined): { request: number; limit: number } {
  const resources = testRun?.spec.runner.resources;
  return {
    request: mib(resources?.requests?.['memory']),
    limit: mib(resources?.limits?.['memory']),
  };
}

describe('runner memory, sized from the VUs each runner pod holds', () => {
  const scenarios = readSources().scenarios;
  const scenario = (id: string) => {
    const found = scenarios.find((s) => s.id === id);
    if (!found) throw new Error(`scenarios.json has no ${id} scenario`);
    return found;
  };
  const model = MODELS[0].model;

  it('counts the VUs load-tests/k6/lib/plan.ts gives k6, a closed stream’s as well', () => {
    // Every stream's VU bound, as the k6 scripts configure it: maxVUs of a rate stream (=
    // preAllocatedVUs, all initialised at start), vus of a closed one (fairness' cpu-background).
    const catalog = parseCatalog(JSON.parse(labFiles['scenarios.json'] ?? '{}'));
    const params = runParams({ BASE_URL: 'http://async-service:3001', MODEL: model });
    const fromPlan = catalog.scenarios.map((s) => {
      const k6 = k6Options(s, params, { p95Ms: 1, maxFailedRate: 0.1 }).scenarios ?? {};
      return [
        s.id,
        Object.entries(k6).map(([name, exec]) => {
          const bound = 'maxVUs' in exec ? exec.maxVUs : 'vus' in exec ? exec.vus : undefined;
          return [name, bound];
        }),
      ];
    });
    expect(fromPlan).toContainEqual([
      'fairness',
      [
        ['cpu-background', 4],
        ['io-probe', 4],
      ],
    ]);
    expect(scenarios.map((s) => [s.id, s.streams.map((t) => [t.name, streamVus(t)])])).toEqual(
      fromPlan,
    );
  });

  it('io (2,000 VUs) at parallelism 2: ~1,000 VUs a runner get ≥ 3 Gi, request = limit', () => {
    expect(runnerVus(scenario('io'), 2)).toBe(1000);
    const memory = runnerMemory(testRuns.get(`k6-io-${model}`));
    expect(memory.request).toBe(memory.limit);
    expect(memory.limit).toBeGreaterThanOrEqual(3 * 1024);
    // The maintainers' per-VU figure for every VU, nothing less.
    expect(memory.limit).toBeGreaterThanOrEqual(1000 * RUNNER_MIB_PER_VU);
  });

  it('a small scenario (cpu, 8 VUs) keeps the floor: 1Gi, request = limit', () => {
    expect(runnerVus(scenario('cpu'), 2)).toBe(4);
    expect(runnerMemory(testRuns.get(`k6-cpu-${model}`))).toEqual({ request: 1024, limit: 1024 });
  });

  it('every runner: request = limit, at least 1Gi, cpu 1 = 1 (Guaranteed), generated and committed', () => {
    const committed = byKind<TestRun>(committedObjects(outputDir()), 'TestRun');
    for (const runs of [testRuns, committed]) {
      for (const run of runs.values()) {
        const { request, limit } = runnerMemory(run);
        expect([run.metadata.name, request]).toEqual([run.metadata.name, limit]);
        expect(limit).toBeGreaterThanOrEqual(1024);
        const { requests, limits } = run.spec.runner.resources;
        expect([run.metadata.name, requests?.['cpu']]).toEqual([
          run.metadata.name,
          limits?.['cpu'],
        ]);
      }
    }
    expect(runnerMemory(committed.get(`k6-io-${model}`)).limit).toBeGreaterThanOrEqual(3 * 1024);
  });

  it('counts each stream’s share rounded up: k6 gives the first runner every stream’s remainder', () => {
    // fairness, 4 + 4 VUs over 3 runners: 2 + 2 on the first (not ceil(8 / 3) = 3).
    expect(runnerVus(scenario('fairness'), 3)).toBe(4);
    expect(runnerVus(scenario('fairness'), 4)).toBe(2);
  });

  it('grows with the VUs a runner holds and shrinks with parallelism', async () => {
    const ioAt = async (parallelism: number) => {
      const { objects } = await synthesized({ parallelism });
      return runnerMemory(byKind<TestRun>(objects, 'TestRun').get(`k6-io-${model}`)).limit;
    };
    const [one, two, four] = [await ioAt(1), await ioAt(2), await ioAt(4)];
    expect(one).toBeGreaterThan(two);
    expect(two).toBeGreaterThan(four);
    expect(one).toBeGreaterThanOrEqual(2000 * RUNNER_MIB_PER_VU);
    // More VUs per runner, more memory: io-saturation (400) < io (2,000), both at parallelism 2.
    const atTwo = (id: string) => runnerMemory(testRuns.get(`k6-${id}-${model}`)).limit;
    expect(runnerVus(scenario('io-saturation'), 2)).toBeLessThan(runnerVus(scenario('io'), 2));
    expect(atTwo('io-saturation')).toBeLessThan(atTwo('io'));
  });
});
