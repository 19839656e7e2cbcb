import { MODEL_NAMES } from '@concurrency-lab/models';
import { z } from 'zod';
import { JUDGES } from '../scenario-catalog';

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

const FAILED = 'Non-2xx answers, connection errors, timeouts.';

const NOT_SENT =
  'Not sent: requests the fixed arrival rate called for while every connection was busy waiting for an answer (the model was saturated). By design in saturation scenarios; not failures.';

const streamResult = z.strictObject({
  name: z.string(),
  measure: z.boolean(),
  durationSeconds: z.number().positive(),
  sent: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative().describe(FAILED),
  dropped: z.number().int().nonnegative().describe(NOT_SENT),
  failures: z.record(z.string(), z.number().int().nonnegative()),
  rps: z.number().nonnegative(),
  latencyMs: latency,
});

const sample = z.strictObject({
  t: z.number().nonnegative().describe('Seconds into the measurement.'),
  rssBytes: z.number().nonnegative(),
  cpuPercent: z.number().nonnegative(),
  lagP99Ms: z
    .number()
    .nonnegative()
    .nullable()
    .describe('Event-loop delay p99 from /metrics; null when the scrape did not answer in time.'),
  elu: z.number().nonnegative().nullable(),
  oldSpaceUsedBytes: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'V8\'s old space in use, from /metrics (`nodejs_heap_space_size_used_bytes{space="old"}`, summed over a cluster\'s processes); null when the scrape did not answer in time.',
    ),
  rps: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      '2xx answers per second in this interval; null when the load driver reports nothing per interval (k6: one summary at the end).',
    ),
  p99Ms: z
    .number()
    .nonnegative()
    .nullable()
    .describe('p99 of the answers in this interval; null when none came, or as for rps.'),
});

const modelName = z.enum(MODEL_NAMES as [string, ...string[]]);

export const modelSummarySchema = z.strictObject({
  rps: z.number().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p95Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  failed: z.number().int().nonnegative().describe(FAILED),
  dropped: z.number().int().nonnegative().describe(NOT_SENT),
  sustained: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'Share of the fixed arrival rate answered 2xx (1 = kept up); null without a fixed rate.',
    ),
  connections: z.number().int().positive().describe('Connections the scenario held open.'),
  rssIdleBytes: z.number().nonnegative().describe('RSS just before the warm-up.'),
  rssPeakBytes: z.number().nonnegative(),
  memoryPerConnectionBytes: z
    .number()
    .nonnegative()
    .describe(
      "(RSS peak − RSS idle) / connections: mostly the growth of V8's heap while loaded (its young generation, garbage not yet collected), not what a connection holds; see liveHeapPerConnectionBytes.",
    ),
  liveHeapPerConnectionBytes: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      "What a held connection keeps alive on V8's heap: (old space in use at the first reading after a full collection − old space in use at idle) / connections, read after the load while the lab holds the connections, each waiting on one /io/sleep and nothing else arriving. A full collection leaves only live objects there: the lab asks each process of a model it started for one (a signal); a service it did not start (--targets) is waited on, up to 20 s. Measured in scenarios judged on memory per connection; null elsewhere, or when no full collection came while the connections were held.",
    ),
  cpuPercentMean: z
    .number()
    .nonnegative()
    .describe('Mean of the samples but the first (taken as the measurement starts).'),
  lagP99MaxMs: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'Largest event-loop delay p99 of the samples but the first (whose scrape covers the time before the measurement); null when none of them has one (every /metrics scrape went unanswered, as from a loop blocked by CPU work).',
    ),
  eluMean: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'Mean event-loop utilization of the samples but the first, as for the lag; null as for the lag.',
    ),
});

const verdict = z.strictObject({
  judge: z.enum(JUDGES).describe('The figure the scenario is decided on.'),
  leaders: z
    .array(modelName)
    .describe(
      'Models within the tie band of the best figure, among those that answered; empty when none answered or (p99, memory) when every one fell below the fixed rate.',
    ),
  throughput: modelName
    .nullable()
    .describe('The most req/s among the models that answered; null without a leader.'),
  p99: modelName
    .nullable()
    .describe(
      'The lowest p99 among the models that kept up with the fixed rate (all that answered without one); null without a leader or when none kept up.',
    ),
  memory: modelName
    .nullable()
    .describe(
      'The least memory among the same models as p99: live heap per connection in a scenario judged on it (io: among those whose live heap was measured), the RSS peak in the others; null as for p99.',
    ),
  agreesWithGuide: z
    .boolean()
    .nullable()
    .describe(
      'A leader is one the guide prefers; null without a leader, when the guide has no row for the scenario (guide.prefers empty), or when none of the models it prefers took part (not run, or no answers): nothing to weigh.',
    ),
  note: z.string(),
});

export const reportSchema = z.strictObject({
  schemaVersion: z
    .literal(5)
    .describe(
      "5 since 2026-12-06: as 4, plus each sample's oldSpaceUsedBytes and each summary's liveHeapPerConnectionBytes; a scenario judged on memory per connection is judged on the live heap. " +
        '4 since 2026-12-05: as 3, but a sample may have no req/s (rps null: a load driver that reports nothing per interval, k6). 3 since 2026-12-03: as 2, but a verdict may have no leader (throughput, p99, memory, agreesWithGuide, leaders empty) and a summary no lag or utilization (lagP99MaxMs, eluMean): null where a figure could not be had. lab compare reads every version.',
    ),
  createdAt: z.iso.datetime(),
  machine: z.strictObject({
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryBytes: z.number().positive(),
    platform: z.string(),
    arch: z.string(),
    node: z.string(),
    loadAverage: z
      .strictObject({ start: z.array(z.number()).length(3), end: z.array(z.number()).length(3) })
      .describe('os.loadavg() (1, 5, 15 min) when the run started and ended.'),
  }),
  run: z.strictObject({
    mode: z
      .enum(['local', 'targets'])
      .describe('local: the lab started the services; targets: it drove running ones.'),
    targets: z.record(z.string(), z.string()).nullable(),
    sharedCores: z.boolean().describe('The load generator ran on the machine the services ran on.'),
    fileLimit: z.strictObject({
      soft: z.number().int().nullable(),
      hard: z.number().int().nullable(),
      needed: z.number().int().positive(),
      raised: z.boolean(),
      note: z.string(),
    }),
    workload: z
      .strictObject({
        path: z.string(),
        describe: z.string(),
        inputs: z.number().int().positive(),
        probeMs: z.number().nonnegative(),
      })
      .nullable(),
  }),
  options: z.strictObject({
    models: z.array(modelName).min(1),
    scenarios: z.array(z.string()).min(1),
    durationSeconds: z.number().positive(),
    warmupSeconds: z
      .number()
      .nonnegative()
      .describe(
        "The warm-up before each measurement; a scenario whose requests wait longer (a path's `ms=`) warms up for that wait + 0.25 s.",
      ),
    sampleIntervalMs: z.number().int().positive(),
    rate: z.number().positive().nullable(),
    connections: z.number().int().positive().nullable(),
    workers: z.number().int().positive().nullable(),
    driver: z.string(),
    quick: z.boolean(),
  }),
  choose: z
    .array(z.string())
    .max(5)
    .describe('What to choose on this machine: the first screen, drawn from the verdicts.'),
  scenarios: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      lesson: z.string(),
      guide: z.strictObject({
        prefers: z
          .array(z.string())
          .describe(
            "The models the guide's row names; empty when the guide has no row for the scenario.",
          ),
        text: z.string(),
      }),
      results: z.array(
        z.strictObject({
          model: modelName,
          workers: z.number().int().positive().nullable().describe('WORKERS, from /info.'),
          summary: modelSummarySchema,
          streams: z.array(streamResult).min(1),
          samples: z.array(sample),
        }),
      ),
      verdict,
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
export type Sample = ModelResult['samples'][number];
export type Judge = (typeof JUDGES)[number];
export type Verdict = ScenarioReport['verdict'];
