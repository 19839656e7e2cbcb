import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_NAMES } from '@concurrency-lab/models';
import { z } from 'zod';
import { ScenarioCatalogError } from './errors';

const streamSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  method: z.enum(['GET', 'POST']),
  path: z.string().startsWith('/'),
  connections: z.number().int().min(1).max(10_000),
  /** Requests per second across all connections; absent = as fast as the connections allow. */
  rate: z.number().int().min(1).max(1_000_000).optional(),
  measure: z.boolean(),
});

/**
 * The figure a scenario is decided on: `throughput` (most 2xx/s), `p99` (lowest latency of the
 * measured stream — fairness) or `memory-per-connection` (least live heap per held connection —
 * io).
 */
export const JUDGES = ['throughput', 'p99', 'memory-per-connection'] as const;

const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string(),
  lesson: z.string(),
  guide: z.strictObject({
    /**
     * The models the guide's row names, in this project's models; empty for a scenario the guide
     * has no row for (fairness), which its verdict does not weigh against the guide.
     */
    prefers: z.array(z.enum(MODEL_NAMES as [string, ...string[]])),
    text: z.string(),
  }),
  /** @default 'throughput' */
  judge: z.enum(JUDGES).optional(),
  streams: z
    .array(streamSchema)
    .min(1)
    .refine((streams) => streams.filter((s) => s.measure).length === 1, {
      error: 'exactly one stream must have measure: true',
    }),
});

export const catalogSchema = z.strictObject({
  $comment: z.string().optional(),
  upstream: z.strictObject({
    pages: z.number().int().min(1),
    latencyMs: z.number().int().min(0),
  }),
  /** Environment every model runs with where the scenarios are measured (and `$comment`). */
  serviceEnv: z.record(z.string().regex(/^(\$comment|[A-Z][A-Z0-9_]*)$/), z.string()),
  scenarios: z.array(scenarioSchema).min(1),
});

export type Stream = z.infer<typeof streamSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioCatalog = z.infer<typeof catalogSchema>;

/** `load-tests/scenarios.json`: the one definition the lab and the k6 scripts share. */
export function loadScenarioCatalog(root: string): ScenarioCatalog {
  const file = join(root, 'load-tests', 'scenarios.json');
  return parseScenarioCatalog(JSON.parse(readFileSync(file, 'utf8')), file);
}

/**
 * A catalog already read (`value`, from `source`, which its errors name) checked as the loader
 * checks it: the schema, and each scenario id once. The loader's rules, without its fixed path, so
 * that a test can hand it a broken catalog without writing one into the repo's own file.
 */
export function parseScenarioCatalog(value: unknown, source: string): ScenarioCatalog {
  const parsed = catalogSchema.safeParse(value);
  if (!parsed.success) {
    throw new ScenarioCatalogError(`${source} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const ids = parsed.data.scenarios.map((s) => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) {
    throw new ScenarioCatalogError(`${source}: scenario id \`${duplicate}\` appears twice`);
  }
  return parsed.data;
}

/** The upstream site's environment for a measurement: its pages and their latency. */
export function upstreamEnv(catalog: Pick<ScenarioCatalog, 'upstream'>): Record<string, string> {
  return {
    UPSTREAM_PAGES: String(catalog.upstream.pages),
    UPSTREAM_LATENCY_MS: String(catalog.upstream.latencyMs),
  };
}

/**
 * What every model runs with where the scenarios are measured (`serviceEnv`, its `$comment`
 * left out): the lab measures capacity, so neither the pending-work bound nor event-loop
 * admission sheds its load. docker-compose.yml and the Kubernetes manifests use the same.
 */
export function measuredServiceEnv(
  catalog: Pick<ScenarioCatalog, 'serviceEnv'>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(catalog.serviceEnv).filter(([name]) => name !== '$comment'),
  );
}
