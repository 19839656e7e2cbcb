/**
 * Regenerates apps/lab/report.schema.json from the zod schema: `node dist/report/write-schema.js`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJsonSchema } from './report-json-schema';

writeFileSync(
  join(__dirname, '..', '..', 'report.schema.json'),
  `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
);
