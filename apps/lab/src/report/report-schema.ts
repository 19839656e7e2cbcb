import { MODEL_NAMES } from '@concurrency-lab/models';
import { z } from 'zod';

/**
 * The shape of report.json — every raw figure of a run. `report.schema.json` beside the app is
 * generated from this (`node dist/report/write-schema.js`) and committed; a test keeps them equal
 * and validates real reports against the committed file.
 */
const latency = z.strictObject({
  p50: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});

const streamResult = z.strictObject({
  name: z.string(),
  measure: z.boolean(),
  durationSeconds: z.number().positive(),
  sent: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  failures: z.record(z.string(), z.number().int().nonnegative()),
  rps: z.number().nonnegative(),
  latencyMs: latency,
});

const sample = z.strictObject({
  t: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
  cpuPercent: z.number().nonnegative(),
  lagP99Ms: z.number().nonnegative(),
  elu: z.number().nonnegative(),
  rps: z.number().nonnegative(),
});

const modelName = z.enum(MODEL_NAMES as [string, ...string[]]);

const summary = z.strictObject({
  rps: z.number().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p95Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  failed: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  rssPeakBytes: z.number().nonnegative(),
  cpuPercentMean: z.number().nonnegative(),
  lagP99MaxMs: z.number().nonnegative(),
  eluMean: z.number().nonnegative(),
});

export const reportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  machine: z.strictObject({
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryBytes: z.number().positive(),
    platform: z.string(),
    arch: z.string(),
    node: z.string(),
  }),
  options: z.strictObject({
    models: z.array(modelName).min(1),
    scenarios: z.array(z.string()).min(1),
    durationSeconds: z.number().positive(),
    warmupSeconds: z.number().nonnegative(),
    rate: z.number().positive().nullable(),
    connections: z.number().int().positive().nullable(),
    workers: z.number().int().positive(),
    driver: z.string(),
    quick: z.boolean(),
  }),
  scenarios: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      lesson: z.string(),
      guide: z.strictObject({ prefers: z.array(z.string()), text: z.string() }),
      results: z.array(
        z.strictObject({
          model: modelName,
          summary,
          streams: z.array(streamResult).min(1),
          samples: z.array(sample),
        }),
      ),
      verdict: z.strictObject({
        throughput: modelName,
        p99: modelName,
        memory: modelName,
        agreesWithGuide: z.boolean(),
        note: z.string(),
      }),
    }),
  ),
  lessons: z.array(
    z.strictObject({
      id: z.string(),
      claim: z.string(),
      holds: z.boolean().nullable(),
      figures: z.string(),
    }),
  ),
});

export type Report = z.infer<typeof reportSchema>;
export type ScenarioReport = Report['scenarios'][number];
export type ModelResult = ScenarioReport['results'][number];
export type ModelSummary = ModelResult['summary'];
