import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJsonSchema } from '../src/report/report-json-schema';
import { loadScenarioCatalog } from '../src/scenario-catalog';

describe('the committed schemas and scenarios', () => {
  it('report.schema.json equals what the zod schema generates (regenerate with write-schema)', () => {
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', 'report.schema.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });

  it('load-tests/scenarios.json defines the six scenarios, each with one measured stream', () => {
    const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
    expect(catalog.scenarios.map((s) => s.id)).toEqual([
      'cpu',
      'image',
      'io',
      'scrape',
      'mixed',
      'fairness',
    ]);
    for (const s of catalog.scenarios) expect(s.streams.filter((x) => x.measure)).toHaveLength(1);
  });
});
