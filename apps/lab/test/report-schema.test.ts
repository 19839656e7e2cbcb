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

  it('load-tests/scenarios.json defines the seven scenarios, each with one measured stream', () => {
    const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
    expect(catalog.scenarios.map((s) => s.id)).toEqual([
      'io',
      'io-saturation',
      'cpu',
      'image',
      'scrape',
      'mixed',
      'fairness',
    ]);
    for (const s of catalog.scenarios) expect(s.streams.filter((x) => x.measure)).toHaveLength(1);
  });

  it('asks autocannon for a rate of at least its connections, which it would otherwise lower to the rate', () => {
    const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
    const held = catalog.scenarios.flatMap((s) =>
      s.streams
        .filter((x) => x.rate !== undefined && x.rate < x.connections)
        .map((x) => `${s.id}/${x.name}`),
    );
    expect(held).toEqual([]);
    // io holds thousands of connections, as the guide's claim is about.
    expect(
      catalog.scenarios.find((s) => s.id === 'io')?.streams[0]?.connections,
    ).toBeGreaterThanOrEqual(2000);
  });
});
