/**
 * The k6-operator TestRuns: one per scenario of load-tests/scenarios.json and model, running the
 * very scripts the lab runs (the ConfigMap holds the files byte for byte, and the mounted tree
 * resolves every import and the `open('../scenarios.json')`), tagged on the command line.
 */
import { MODELS } from '@concurrency-lab/models';
import { posix } from 'node:path';
import { deployOptions } from '../src/deploy-options';
import { checkParallelism, configMapKey, K6_SCRIPTS, K6_SCRIPTS_MOUNT } from '../src/k6-test-runs';
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

  it('goes into every TestRun', async () => {
    const { objects } = await synthesized({ parallelism: 4, testid: 'run-7' });
    const runs = [...byKind<TestRun>(objects, 'TestRun').values()];
    expect(runs.map((r) => r.spec.parallelism)).toEqual(runs.map(() => 4));
    expect(runs.every((r) => r.spec.arguments.includes('--tag testid=run-7'))).toBe(true);
  });
});
