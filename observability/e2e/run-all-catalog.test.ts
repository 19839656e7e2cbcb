import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { recordRunAll } from './support/k6-stand-in';

/**
 * run-all.sh reads the scenario ids out of scenarios.json with tr and sed (the k6 image has no
 * JSON tool). k6 cannot run here: a STAND-IN `k6` on PATH records each command line
 * (support/k6-stand-in.ts); the script is the real one.
 */
const catalogText = readFileSync(
  join(__dirname, '..', '..', 'load-tests', 'scenarios.json'),
  'utf8',
);
const ids = (JSON.parse(catalogText) as { scenarios: { id: string }[] }).scenarios.map((s) => s.id);
const env = { LAB_TARGETS: 'async=http://127.0.0.1:1 threads=http://127.0.0.1:2', TESTID: 't' };
const scenarioOf = (argv: string[]) => basename(argv.at(-1) ?? '', '.ts');

describe('run-all.sh and the scenario catalog', () => {
  it('runs every scenario of the catalog as formatted in the repository (the control)', async () => {
    const runs = await recordRunAll(env, catalogText);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    expect(runs.map(scenarioOf)).toEqual([...ids, ...ids]);
  });

  it('runs every scenario of the same catalog written on one line', async () => {
    const minified = JSON.stringify(JSON.parse(catalogText));
    expect(minified).not.toContain('\n');
    const runs = await recordRunAll(env, minified);
    expect(runs.map(scenarioOf)).toEqual([...ids, ...ids]);
  });

  it.each([
    ['a catalog without scenarios', '{ "scenarios": [] }'],
    ['a file that is not the catalog', 'not json'],
  ])('exits 2 with a message for %s', async (_, text) => {
    await expect(recordRunAll(env, text)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('run-all.sh: no scenario ids in'),
    });
  });
});
