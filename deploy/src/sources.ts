import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DeploySourceError } from './errors';

/** A scenario of load-tests/scenarios.json, as far as the TestRuns need it. */
export interface ScenarioSource {
  id: string;
  streams: { name: string; connections: number }[];
}

/** How scenarios.json says the upstream site and the models run where scenarios are measured. */
export interface RunEnvironments {
  /** The upstream site's `UPSTREAM_PAGES` and `UPSTREAM_LATENCY_MS` (its `upstream`). */
  upstream: Record<string, string>;
  /** Every model's `serviceEnv` (its `$comment` left out), as the lab's fleet runs them. */
  models: Record<string, string>;
}

/** The repository files the manifests are made from, read once at synth time. */
export interface DeploySources {
  scenarios: ScenarioSource[];
  environments: RunEnvironments;
  /**
   * What a k6 run of the lab reads, by path relative to load-tests/: every script under k6/
   * (entry scripts and k6/lib/) and scenarios.json — the same bytes the lab and run-all.sh use.
   */
  k6Files: Record<string, string>;
  /** observability/otel-collector/config.yaml, as committed. */
  collectorConfig: string;
  /** observability/grafana/dashboards/*.json by file name, as committed. */
  dashboards: Record<string, string>;
  /** `version` of apps/<app>/package.json, the tag of its image, per app (models and upstream). */
  appVersions: Record<string, string>;
}

/** The repository root, from src/ (tests) and dist/ (synth) alike. */
export function repoRoot(): string {
  return join(__dirname, '..', '..');
}

/** deploy/k8s/dist, where the YAML is written and committed. */
export function outputDir(): string {
  return join(__dirname, '..', 'k8s', 'dist');
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(keep)
    .map((file) => join(dir, file))
    .sort();
}

/** The ids and stream connections of scenarios.json, checked as far as they are used. */
export function parseScenarios(json: string): ScenarioSource[] {
  const raw = JSON.parse(json) as { scenarios?: unknown };
  if (!Array.isArray(raw.scenarios) || raw.scenarios.length === 0)
    throw new DeploySourceError('Expected scenarios.json to have a non-empty `scenarios` array');
  return raw.scenarios.map((s: { id?: unknown; streams?: unknown }, i): ScenarioSource => {
    const streams = Array.isArray(s.streams) ? (s.streams as Record<string, unknown>[]) : [];
    const ok =
      typeof s.id === 'string' &&
      streams.length > 0 &&
      streams.every((t) => typeof t['name'] === 'string' && Number.isInteger(t['connections']));
    if (!ok)
      throw new DeploySourceError(
        `Expected scenarios[${i}] to have an id and streams with a name and integer connections, got \`${JSON.stringify(s).slice(0, 80)}\``,
      );
    return {
      id: s.id as string,
      streams: streams.map((t) => ({
        name: t['name'] as string,
        connections: t['connections'] as number,
      })),
    };
  });
}

/** scenarios.json's `upstream` and `serviceEnv`, checked as far as they are used. */
export function parseRunEnvironments(json: string): RunEnvironments {
  const raw = JSON.parse(json) as { upstream?: unknown; serviceEnv?: unknown };
  const upstream = (raw.upstream ?? {}) as Record<string, unknown>;
  if (!Number.isInteger(upstream['pages']) || !Number.isInteger(upstream['latencyMs']))
    throw new DeploySourceError(
      `Expected scenarios.json's \`upstream\` to have integer \`pages\` and \`latencyMs\`, got \`${JSON.stringify(raw.upstream)}\``,
    );
  const env = raw.serviceEnv;
  if (
    typeof env !== 'object' ||
    env === null ||
    !Object.values(env).every((value) => typeof value === 'string')
  )
    throw new DeploySourceError(
      `Expected scenarios.json's \`serviceEnv\` to map variable names to strings, got \`${JSON.stringify(env)}\``,
    );
  return {
    upstream: {
      UPSTREAM_PAGES: String(upstream['pages']),
      UPSTREAM_LATENCY_MS: String(upstream['latencyMs']),
    },
    models: Object.fromEntries(
      Object.entries(env as Record<string, string>).filter(([name]) => name !== '$comment'),
    ),
  };
}

export function readSources(root = repoRoot()): DeploySources {
  const loadTests = join(root, 'load-tests');
  const k6Files: Record<string, string> = {};
  const scripts = filesUnder(join(loadTests, 'k6'), (file) => file.endsWith('.ts'));
  for (const file of [...scripts, join(loadTests, 'scenarios.json')]) {
    k6Files[relative(loadTests, file).split(sep).join('/')] = readFileSync(file, 'utf8');
  }
  const dashboardsDir = join(root, 'observability', 'grafana', 'dashboards');
  const dashboards: Record<string, string> = {};
  for (const file of filesUnder(dashboardsDir, (f) => f.endsWith('.json'))) {
    dashboards[relative(dashboardsDir, file)] = readFileSync(file, 'utf8');
  }
  const appVersions: Record<string, string> = {};
  for (const { app } of [...MODELS, UPSTREAM]) {
    const manifest = JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as {
      version?: string;
    };
    appVersions[app] = manifest.version ?? '';
  }
  return {
    scenarios: parseScenarios(k6Files['scenarios.json'] ?? ''),
    environments: parseRunEnvironments(k6Files['scenarios.json'] ?? ''),
    k6Files,
    collectorConfig: readFileSync(
      join(root, 'observability', 'otel-collector', 'config.yaml'),
      'utf8',
    ),
    dashboards,
    appVersions,
  };
}
