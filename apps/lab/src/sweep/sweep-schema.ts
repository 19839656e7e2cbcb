import { MODEL_NAMES } from '@concurrency-lab/models';
import { z } from 'zod';
import { modelSummarySchema } from '../report/report-schema';

const modelName = z.enum(MODEL_NAMES as [string, ...string[]]);

/**
 * sweep.json: one scenario measured at every pool size, the knee per model, the line that says it.
 */
export const sweepSchema = z.strictObject({
  kind: z.literal('sweep'),
  schemaVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  machine: z.strictObject({
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    node: z.string(),
    loadAverage: z.strictObject({
      start: z.array(z.number()).length(3),
      end: z.array(z.number()).length(3),
    }),
  }),
  scenario: z.strictObject({ id: z.string(), title: z.string() }),
  options: z.strictObject({
    models: z.array(modelName).min(1),
    sizes: z.array(z.number().int().positive()).min(1),
    repeats: z.number().int().positive(),
    durationSeconds: z.number().positive(),
    warmupSeconds: z.number().nonnegative(),
    quick: z.boolean(),
  }),
  points: z.array(
    z.strictObject({
      model: modelName,
      workers: z.number().int().positive(),
      /** Which pass over the sizes (0 = the first, going up). */
      repeat: z.number().int().nonnegative(),
      summary: modelSummarySchema,
    }),
  ),
  knees: z.array(
    z.strictObject({
      model: modelName,
      knee: z
        .number()
        .int()
        .positive()
        .nullable()
        .describe(
          'The smallest WORKERS reaching 90% of the best throughput; null when the model answered nothing at any size.',
        ),
      best: z
        .number()
        .int()
        .positive()
        .nullable()
        .describe('The WORKERS of the best throughput; null when the model answered nothing.'),
      line: z.string(),
    }),
  ),
  /** Where the knee is on this machine, beside the guide's N_CPU + 1. */
  line: z.string(),
});

export type Sweep = z.infer<typeof sweepSchema>;
export type SweepPoint = Sweep['points'][number];
