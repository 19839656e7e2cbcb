import { z } from 'zod';
import { reportSchema } from './report-schema';

/** report.json's JSON Schema (draft 2020-12), for tools outside this repo. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(reportSchema) as Record<string, unknown>),
    $id: 'https://concurrency-lab.dev/schemas/lab-report.json',
    title: 'concurrency-lab report',
  };
}
