/**
 * load-tests/scenarios.json as the k6 scripts read it. The lab CLI validates the same file with
 * zod (apps/lab/src/scenario-catalog.ts); k6 cannot load zod, so this is a dependency-free
 * check of the fields the scripts use, failing with what was expected and what was found.
 */
import { CatalogError } from './errors.ts';

/**
 * The model labels a run may be pointed at: the model registry's (libs/models), which k6 cannot
 * import — the scripts ship alone to k6 runners — so the list is written here and a workspace
 * test (tools/test/model-registry.test.ts) holds it equal to the registry.
 */
export const MODELS = ['async', 'threads', 'cluster', 'hybrid', 'procpool'] as const;
export type ModelName = (typeof MODELS)[number];

export interface Stream {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  /** Requests per second across all connections; absent = as fast as the connections allow. */
  rate?: number;
  /** The stream whose figures are the scenario's (exactly one per scenario). */
  measure: boolean;
}

export interface Scenario {
  id: string;
  title: string;
  streams: Stream[];
}

export interface ScenarioCatalog {
  scenarios: Scenario[];
}

export { CatalogError };

const NAME = /^[a-z][a-z0-9-]*$/;

function fail(where: string, expected: string, got: unknown): never {
  throw new CatalogError(`Expected ${where} to be ${expected}, got \`${JSON.stringify(got)}\``);
}

function positiveInt(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(where, 'an integer from 1', value);
  return value;
}

function parseStream(where: string, raw: unknown): Stream {
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s['name'] !== 'string' || !NAME.test(s['name']))
    fail(`${where}.name`, 'a lowercase name', s['name']);
  if (s['method'] !== 'GET' && s['method'] !== 'POST')
    fail(`${where}.method`, 'GET or POST', s['method']);
  if (typeof s['path'] !== 'string' || !s['path'].startsWith('/'))
    fail(`${where}.path`, 'a path starting with /', s['path']);
  if (typeof s['measure'] !== 'boolean') fail(`${where}.measure`, 'a boolean', s['measure']);
  const stream: Stream = {
    name: s['name'],
    method: s['method'],
    path: s['path'],
    connections: positiveInt(`${where}.connections`, s['connections']),
    measure: s['measure'],
  };
  if (s['rate'] !== undefined) stream.rate = positiveInt(`${where}.rate`, s['rate']);
  return stream;
}

export function parseCatalog(raw: unknown): ScenarioCatalog {
  const scenarios = (raw as { scenarios?: unknown } | null)?.scenarios;
  if (!Array.isArray(scenarios) || scenarios.length === 0)
    fail('scenarios', 'a non-empty array', scenarios);
  const parsed = scenarios.map((rawScenario: unknown, i): Scenario => {
    const s = (rawScenario ?? {}) as Record<string, unknown>;
    const where = `scenarios[${i}]`;
    if (typeof s['id'] !== 'string' || !NAME.test(s['id']))
      fail(`${where}.id`, 'a lowercase id', s['id']);
    if (!Array.isArray(s['streams']) || s['streams'].length === 0)
      fail(`${where}.streams`, 'a non-empty array', s['streams']);
    const streams = s['streams'].map((stream: unknown, j) =>
      parseStream(`${where}.streams[${j}]`, stream),
    );
    const measured = streams.filter((stream) => stream.measure).length;
    if (measured !== 1) fail(`${where}.streams`, 'exactly one stream with measure: true', measured);
    return { id: s['id'], title: String(s['title'] ?? s['id']), streams };
  });
  const ids = parsed.map((s) => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) fail('scenario ids', 'unique', duplicate);
  return { scenarios: parsed };
}
