import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ReportFileError } from '../errors';

/**
 * The parts of a report.json that `lab compare` reads — loosely, so a report of any schema
 * version since the first compares: unknown fields are ignored, figures added later are
 * optional.
 */
const sample = z.looseObject({
  t: z.number(),
  rssBytes: z.number(),
  cpuPercent: z.number(),
  /**
   * null since schema 4: a driver with no per-interval figures (k6). Before, such a driver's
   * samples said 0: `readReport` reads those as null too (`unmeasuredRps`).
   */
  rps: z.number().nullable(),
  p99Ms: z.number().nullable().optional(),
});

const summary = z.looseObject({
  rps: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  rssPeakBytes: z.number(),
  cpuPercentMean: z.number(),
  memoryPerConnectionBytes: z.number().optional(),
  /** Since schema 5; null when not measured. */
  liveHeapPerConnectionBytes: z.number().nullable().optional(),
  rssIdleBytes: z.number().optional(),
});

const comparableReport = z.looseObject({
  schemaVersion: z.number().optional(),
  createdAt: z.string(),
  machine: z.looseObject({ cpus: z.number(), cpuModel: z.string(), node: z.string() }),
  run: z.looseObject({ mode: z.string() }).optional(),
  options: z.looseObject({
    models: z.array(z.string()),
    durationSeconds: z.number(),
    workers: z.number().nullable(),
    driver: z.string(),
    quick: z.boolean(),
  }),
  scenarios: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      verdict: z.looseObject({ judge: z.string().optional() }).optional(),
      results: z.array(z.looseObject({ model: z.string(), summary, samples: z.array(sample) })),
    }),
  ),
});

export type ComparableReport = z.infer<typeof comparableReport>;
export type ComparableResult = ComparableReport['scenarios'][number]['results'][number];

/**
 * `--driver k6` reports nothing per interval, yet reports before schema 4 stored 0 req/s in its
 * every sample (beside a summary of thousands): read as measured, a series of 0s is a model that
 * answered nothing, whose spread `lab compare` takes over the other run's mean — the other run's
 * noise alone then flagged the row "differs" (1.03× against a noise of 0.09%). They are read as
 * a schema-4 k6 report says them: null, unknown.
 */
function unmeasuredRps(report: ComparableReport): ComparableReport {
  if ((report.schemaVersion ?? 0) >= 4 || report.options.driver !== 'k6') return report;
  for (const scenario of report.scenarios)
    for (const result of scenario.results)
      result.samples = result.samples.map((s) => ({ ...s, rps: null }));
  return report;
}

/**
 * A report from a report folder (reports/<timestamp>, reports/latest) or its report.json.
 * @throws ReportFileError when there is no such file or it is not a lab report
 */
export function readReport(path: string): { file: string; report: ComparableReport } {
  const given = resolve(path);
  const file =
    existsSync(given) && statSync(given).isDirectory() ? join(given, 'report.json') : given;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReportFileError(
      `Expected a lab report folder or report.json at \`${path}\`, got ${(error as Error).message}`,
      { cause: error },
    );
  }
  const parsed = comparableReport.safeParse(raw);
  if (!parsed.success) {
    throw new ReportFileError(
      `Expected \`${file}\` to be a lab report: ${z.prettifyError(parsed.error)}`,
    );
  }
  return { file, report: unmeasuredRps(parsed.data) };
}
