/**
 * The model registry (`libs/models`) is the one list of models. Every file that cannot read it —
 * YAML, JSON, Markdown, k6 scripts that ship alone, Nx project files — is held equal to it here,
 * so adding a model is one registry row and one app folder, and this test lists what else must
 * follow.
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { MODEL_NAMES, MODELS, UPSTREAM } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tableCells } from '../src/markdown-table';

const root = workspaceRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const json = <T>(path: string) => JSON.parse(read(path)) as T;
const apps = MODELS.map((m) => m.app);
const registryRows = MODELS.map((m) => [m.app, m.model, String(m.port)]);

/**
 * `[app, model, port]` of each Markdown table row of the form | `x-service` | `x` | port | …,
 * and with `withSummary` the fourth cell as written (backticks kept).
 */
function modelRows(markdown: string, { withSummary = false } = {}): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => tableCells(line))
    .map(([app = '', model = '', port = '', summary = '']) => [
      app.replace(/`/g, ''),
      model.replace(/`/g, ''),
      port,
      summary,
    ])
    .filter(([app, , port]) => /^[a-z]+-service$/.test(app ?? '') && /^\d+$/.test(port ?? ''))
    .map((cells) => cells.slice(0, withSummary ? 4 : 3));
}

describe('the model registry and every file that lists models', () => {
  it('prometheus.yml: one scrape job per model, in registry order, at its compose name and port', () => {
    const config = parse(read('observability/prometheus.yml')) as { scrape_configs: unknown[] };
    // Whole jobs: a target label or relabelling would rename what the services label themselves
    // (a `model` target label wins over the scraped one under the default `honor_labels: false`),
    // and `npm run observe` replaces static_configs, so only this file's check would see it.
    expect(config.scrape_configs).toEqual(
      MODELS.map((m) => ({
        job_name: m.app,
        metrics_path: '/metrics',
        static_configs: [{ targets: [`${m.app}:${m.port}`] }],
      })),
    );
  });

  it('docker-compose.yml: a service per model and upstream, on its port; k6 targets every model', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
    };
    const serviceApps = Object.keys(compose.services).filter((name) => name.endsWith('-service'));
    expect(serviceApps).toEqual(apps);
    for (const { app, port } of [...MODELS, UPSTREAM]) {
      const service = compose.services[app];
      expect([app, service?.environment?.['PORT'], service?.ports]).toEqual([
        app,
        String(port),
        [`127.0.0.1:${port}:${port}`],
      ]);
    }
    expect(compose.services['k6']?.environment?.['LAB_TARGETS']?.split(' ')).toEqual(
      MODELS.map((m) => `${m.model}=http://${m.app}:${m.port}`),
    );
  });

  it('the k6 scripts accept exactly the registry’s model labels', () => {
    // Loaded by path: load-tests is k6 code, not a package; jest reads its TypeScript.
    const catalog = require(join(root, 'load-tests', 'k6', 'lib', 'catalog.ts')) as {
      MODELS: readonly string[];
    };
    expect(catalog.MODELS).toEqual(MODEL_NAMES);
  });

  it('the lab report schema (committed JSON) names exactly the registry’s models', () => {
    const schema = read('apps/lab/report.schema.json');
    const enums = [...schema.matchAll(/"enum":\s*\[([^\]]*)\]/g)].map(
      (m) => JSON.parse(`[${m[1]}]`) as string[],
    );
    const modelEnums = enums.filter((values) => values.includes('async'));
    expect(modelEnums.length).toBeGreaterThan(0);
    for (const values of modelEnums) expect(values).toEqual(MODEL_NAMES);
  });

  it('scenarios.json prefers only registry models', () => {
    const catalog = json<{ scenarios: { id: string; guide: { prefers: string[] } }[] }>(
      'load-tests/scenarios.json',
    );
    const unknown = catalog.scenarios.flatMap((s) =>
      s.guide.prefers.filter((m) => !(MODEL_NAMES as readonly string[]).includes(m)),
    );
    expect(unknown).toEqual([]);
  });

  it('the tools that start every service depend on every app (Nx builds them first)', () => {
    for (const project of [
      'apps/lab/project.json',
      'apps/chaos/project.json',
      'observability/project.json',
    ]) {
      const { implicitDependencies } = json<{ implicitDependencies?: string[] }>(project);
      expect([project, [...(implicitDependencies ?? [])].sort()]).toEqual([
        project,
        [...apps, UPSTREAM.app].sort(),
      ]);
    }
    for (const { app } of MODELS) {
      const { implicitDependencies } = json<{ implicitDependencies?: string[] }>(
        `apps/${app}/project.json`,
      );
      expect([app, implicitDependencies]).toEqual([app, [UPSTREAM.app]]);
    }
  });

  it('package.json has `npm run start:<model>` for each model and upstream', () => {
    const { scripts } = json<{ scripts: Record<string, string> }>('package.json');
    for (const { model, app } of MODELS) {
      expect([model, scripts[`start:${model}`]]).toEqual([
        model,
        expect.stringContaining(`apps/${app}/dist/main.js`),
      ]);
    }
    expect(scripts['start:upstream']).toContain('apps/upstream/dist/main.js');
  });

  it.each(['README.md', 'docs/contract.md'])(
    '%s: its model table has one row per model, with its app, label and port, and no other',
    (file) => {
      expect(modelRows(read(file))).toEqual(registryRows);
    },
  );

  it('README.md: each model row says where the work runs in the registry’s words', () => {
    expect(modelRows(read('README.md'), { withSummary: true })).toEqual(
      MODELS.map((m) => [m.app, m.model, String(m.port), m.summary]),
    );
  });

  it('negative control: a table row for a model the registry lacks would be caught', () => {
    const doctored = `${read('README.md')}\n| \`fibers-service\` | \`fibers\` | 3009 | green threads |\n`;
    expect(modelRows(doctored)).not.toEqual(registryRows);
  });
});
