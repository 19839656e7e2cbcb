/**
 * docs/contract.md held to the code, table by table: the configuration table to what the service
 * kit reads (names, order, defaults, ranges, tried on `loadConfig` itself), the metrics table to
 * what the services register (names, types, labels) and to the families the contract suite
 * checks on every running model, and every error code it names to the error catalogs. The model
 * table is model-registry.test.ts's. A change to one side without the other fails here.
 */
import { COMMON_METRICS, POOL_METRICS } from '@concurrency-lab/contract-testing';
import { workspaceRoot } from '@concurrency-lab/launcher';
import {
  ConfigError,
  createRestartsCounter,
  createServiceMetrics,
  loadConfig,
  SERVICE_ENV_VARIABLES,
  type ServiceConfig,
} from '@concurrency-lab/service-kit';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogs } from '../src/error-catalog';
import { codeSpans, tableUnder } from '../src/markdown-table';

const root = workspaceRoot();
const contract = readFileSync(join(root, 'docs', 'contract.md'), 'utf8');

/** Whether `loadConfig` accepts `env` (a ConfigError naming the variable is a refusal). */
function accepts(env: Record<string, string>, variable: string): boolean {
  try {
    loadConfig(env, { port: 4242 });
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    return false;
  }
}

/** The leaves of the config that differ between `a` and `b`, as a dotted path. */
function changedLeaves(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      changedLeaves(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path === '' ? key : `${path}.${key}`,
      ),
    );
  }
  return Object.is(a, b) ? [] : [path];
}

const leaf = (config: ServiceConfig, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], config);

// HTTP_HEADERS_TIMEOUT_MS may not pass HTTP_REQUEST_TIMEOUT_MS: ranges are tried with room for
// both (each variable's own value replaces its entry here).
const ROOM = { HTTP_HEADERS_TIMEOUT_MS: '1', HTTP_REQUEST_TIMEOUT_MS: '3600000' };

/** A valid value for the variables whose range is words, not numbers. */
const EXAMPLES: Record<string, string> = {
  HOST: '0.0.0.0',
  UPSTREAM_URL: 'http://127.0.0.2:8080',
  LAB_WORKLOAD: '/opt/workloads/hash.mjs',
};

/** What the default column says for a default that is not a literal. */
const DESCRIBED_DEFAULTS: Record<string, (value: unknown) => boolean> = {
  "the model's port": (value) => value === 4242,
  'os.availableParallelism()': (value) => value === availableParallelism(),
  unset: (value) => value === undefined,
};

const configRows = tableUnder(contract, 'Configuration (environment)').map(
  ([variable = '', byDefault = '', valid = '']) => ({
    variable: variable.replace(/`/g, ''),
    byDefault: byDefault.replace(/`/g, ''),
    valid,
    range: /^(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)\b/.exec(valid),
    choices: codeSpans(valid).filter((choice) => !/^[A-Z_]+$/.test(choice)),
  }),
);

/** A valid value other than the default, to find which setting the variable moves. */
function probeFor(row: (typeof configRows)[number]): string {
  const candidates = row.range
    ? [row.range[1] ?? '', row.range[2] ?? '']
    : row.choices.length > 0
      ? row.choices
      : [EXAMPLES[row.variable] ?? ''];
  const probe = candidates.find(
    (value) => value !== row.byDefault && accepts({ [row.variable]: value }, row.variable),
  );
  if (probe === undefined) throw new Error(`no valid non-default value for ${row.variable}`);
  return probe;
}

/** The variable moves exactly one setting, and unset that setting is the documented default. */
const unset = loadConfig({}, { port: 4242 });

function defaultHolds(row: (typeof configRows)[number]): boolean {
  const moved = changedLeaves(unset, loadConfig({ [row.variable]: probeFor(row) }, { port: 4242 }));
  if (moved.length !== 1) return false;
  const value = leaf(unset, moved[0] ?? '');
  const described = DESCRIBED_DEFAULTS[row.byDefault];
  return described ? described(value) : row.byDefault === String(value);
}

describe('docs/contract.md: the configuration table', () => {
  it('lists every variable the service kit reads, in its order, and no other', () => {
    expect(configRows.map((row) => row.variable)).toEqual(SERVICE_ENV_VARIABLES);
  });

  it.each(configRows.map((row) => [row.variable, row] as const))(
    '%s: moves one setting, whose value when it is unset is the default column',
    (variable, row) => {
      expect([variable, defaultHolds(row)]).toEqual([variable, true]);
    },
  );

  it.each(configRows.filter((row) => row.range).map((row) => [row.variable, row] as const))(
    '%s: accepts both ends of its range and refuses just beyond them',
    (variable, row) => {
      const [low, high] = [Number(row.range?.[1]), Number(row.range?.[2])];
      const tried = (value: number) => accepts({ ...ROOM, [variable]: String(value) }, variable);
      expect([variable, tried(low), tried(high)]).toEqual([variable, true, true]);
      expect([variable, tried(low - 1), tried(high + 1)]).toEqual([variable, false, false]);
    },
  );

  it.each(
    configRows.filter((row) => row.choices.length > 0).map((row) => [row.variable, row] as const),
  )('%s: accepts each listed value and refuses another', (variable, row) => {
    for (const choice of row.choices)
      expect([variable, choice, accepts({ [variable]: choice }, variable)]).toEqual([
        variable,
        choice,
        true,
      ]);
    expect(accepts({ [variable]: 'not-listed' }, variable)).toBe(false);
  });

  it('negative control: a missing row, a wrong default or a wrong range would be caught', () => {
    expect(configRows.slice(1).map((row) => row.variable)).not.toEqual(SERVICE_ENV_VARIABLES);
    const maxQueue = configRows.find((row) => row.variable === 'MAX_QUEUE');
    if (maxQueue === undefined) throw new Error('no MAX_QUEUE row');
    expect(defaultHolds({ ...maxQueue, byDefault: '999' })).toBe(false);
    expect(accepts({ MAX_QUEUE: '1000001' }, 'MAX_QUEUE')).toBe(false);
  });
});

describe('docs/contract.md: the metrics table', () => {
  const rows = tableUnder(contract, 'Metrics');
  const defaults = rows.find(([first]) => first === 'prom-client defaults');
  const own = rows
    .filter((row) => row !== defaults)
    .flatMap(([names = '', type = '', labels = '']) =>
      codeSpans(names).map((name) => ({ name, type, labels: codeSpans(labels) })),
    );

  /**
   * What the service kit registers in every process: its metrics and the restarts counter the
   * pools and cluster primaries add. The pool families are registered by thread-pool, a model
   * lib this tooling project may not import; they are held to the table by name below, and the
   * contract suite finds them on every running pool model.
   */
  const registry = createServiceMetrics('test').registry;
  createRestartsCounter(registry, 'thread');
  const kitOwn = registry.getMetricsAsArray().filter((m) => !/^(process|nodejs)_/.test(m.name));
  const listedDefaults = codeSpans(defaults?.[2] ?? '');

  /** name, type and label names of each metric; prom-client keeps `labelNames` untyped. */
  const described = (metrics: readonly { name: string; type: unknown }[]) =>
    metrics.map((metric) => {
      const { labelNames } = metric as { labelNames?: unknown };
      return {
        name: metric.name,
        type: String(metric.type),
        labels: Array.isArray(labelNames) ? labelNames.map(String) : ['(no labelNames array)'],
      };
    });

  it('gives each metric the kit registers its type and labels', () => {
    const ours = described(kitOwn);
    expect(ours.length).toBeGreaterThan(8);
    expect(own).toEqual(expect.arrayContaining(ours));
  });

  it('names the kit’s metrics and the pools’ and no other', () => {
    const kit = kitOwn.map((metric) => metric.name);
    expect(own.map((m) => m.name).sort()).toEqual([...kit, ...POOL_METRICS].sort());
  });

  it('negative control: a wrong type in the table would be caught', () => {
    const ours = described(registry.getMetricsAsArray());
    const doctored = own.map((m) => ({ ...m, type: m.type === 'gauge' ? 'counter' : m.type }));
    expect(doctored).not.toEqual(expect.arrayContaining(ours.filter((m) => m.type === 'gauge')));
  });

  it('names prom-client default metrics the services do register', async () => {
    const names = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    expect(listedDefaults.length).toBeGreaterThan(0);
    expect(listedDefaults.filter((name) => !names.has(name))).toEqual([]);
  });

  it('is exactly what the contract suite checks on every running model', () => {
    const checked = [...COMMON_METRICS, ...POOL_METRICS, 'lab_worker_restarts_total'];
    const documented = [...own.map((m) => m.name), ...listedDefaults];
    expect([...new Set(checked)].sort()).toEqual([...new Set(documented)].sort());
  });
});

describe('docs/contract.md: error codes', () => {
  const catalogs = loadCatalogs(root, (file) => require(file));
  const entries = new Map(catalogs.flatMap((c) => c.entries.map((e) => [e.code, e] as const)));

  it('names only codes the error catalogs define', () => {
    const named = [...new Set(contract.match(/\bERR_[A-Z0-9_]+\b/g) ?? [])];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((code) => !entries.has(code))).toEqual([]);
  });

  it('gives each code of the errors table the HTTP status its catalog entry carries', () => {
    const rows = tableUnder(contract, 'Errors');
    expect(rows.length).toBeGreaterThan(5);
    for (const [status = '', , codes = ''] of rows) {
      const statuses = status.match(/\d{3}/g)?.map(Number) ?? [];
      for (const code of codes.match(/\bERR_[A-Z0-9_]+\b/g) ?? [])
        expect([code, statuses.includes(entries.get(code)?.status ?? -1)]).toEqual([code, true]);
    }
  });
});
