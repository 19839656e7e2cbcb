import { MODELS } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verdictFor } from '../src/report/verdict';
import { ScenarioCatalogError } from '../src/errors';
import {
  catalogSchema,
  loadScenarioCatalog,
  measuredServiceEnv,
  parseScenarioCatalog,
} from '../src/scenario-catalog';
import { result } from './support/results';

const root = join(__dirname, '..', '..', '..');
const catalog = loadScenarioCatalog(root);
const byId = (id: string) => catalog.scenarios.find((s) => s.id === id);

describe('the guide’s rows, in this project’s models', () => {
  // Processes: the models whose work runs in worker processes (a restart replaces a process);
  // a pool for the CPU part: the models that send CPU work to a pool (the registry's `pool`).
  const processes = MODELS.filter((m) => (m.restarts as readonly string[]).includes('process'));
  const pools = MODELS.filter((m) => m.pool);

  it('say what its text says: processes, a pool, asyncio or threads — or nothing', () => {
    expect(processes.map((m) => m.model)).toEqual(['cluster', 'hybrid', 'procpool']);
    expect(pools.map((m) => m.model)).toEqual(['threads', 'hybrid', 'procpool']);
    expect(catalog.scenarios.map((s) => [s.id, [...s.guide.prefers].sort()])).toEqual([
      ['io', ['async']],
      ['io-saturation', ['async']],
      ['cpu', ['cluster', 'hybrid', 'procpool']],
      ['image', ['cluster', 'hybrid', 'procpool']],
      ['scrape', ['async', 'threads']],
      ['mixed', ['hybrid', 'procpool', 'threads']],
      // Not in the guide's table: nothing to judge it against.
      ['fairness', []],
    ]);
  });

  it('so a process pool leading on CPU-bound work agrees with the guide; threads do not', () => {
    const cpu = byId('cpu');
    if (!cpu) throw new Error('no cpu scenario in the catalog');
    const procpoolLeads = verdictFor('throughput', cpu.guide, [
      result('async', 160, 50, 80),
      result('threads', 250, 30, 90),
      result('procpool', 295, 30, 200),
    ]);
    expect([procpoolLeads.agreesWithGuide, procpoolLeads.note]).toEqual([
      true,
      expect.stringMatching(/^Agrees with the guide/),
    ]);
    // The disagreement worth showing: Node's threads (no GIL) lead where the guide says processes.
    const threadsLead = verdictFor('throughput', cpu.guide, [
      result('threads', 300, 30, 90),
      result('procpool', 200, 30, 200),
    ]);
    expect(threadsLead.agreesWithGuide).toBe(false);
  });

  it('accept a scenario the guide has no row for (no models preferred)', () => {
    const raw = JSON.parse(readFileSync(join(root, 'load-tests', 'scenarios.json'), 'utf8')) as {
      scenarios: { id: string; guide: { prefers: string[] } }[];
    };
    for (const s of raw.scenarios) if (s.id === 'fairness') s.guide.prefers = [];
    expect(catalogSchema.safeParse(raw).success).toBe(true);
    // The control: a model the registry lacks is still refused.
    for (const s of raw.scenarios) if (s.id === 'fairness') s.guide.prefers = ['fibers'];
    expect(catalogSchema.safeParse(raw).success).toBe(false);
  });
});

describe('a catalog the loader refuses', () => {
  /** The repo's catalog, read afresh to break in memory (its file is never written). */
  const raw = () =>
    JSON.parse(readFileSync(join(root, 'load-tests', 'scenarios.json'), 'utf8')) as {
      scenarios: { id: string; streams: { name: string; measure: boolean }[] }[];
    };
  /** What parsing `value` threw, or null when it was accepted. */
  const refusal = (value: unknown): unknown => {
    try {
      parseScenarioCatalog(value, 'scenarios.json');
      return null;
    } catch (error) {
      return error;
    }
  };

  it('accepts the repo’s catalog as it is (the control)', () => {
    expect(refusal(raw())).toBeNull();
  });

  it('refuses a scenario id that appears twice: a report would hold two rows of one id', () => {
    const twice = raw();
    const first = twice.scenarios[0];
    if (!first) throw new Error('the catalog has no scenario');
    twice.scenarios.push(structuredClone(first));
    const error = refusal(twice);
    expect(error).toBeInstanceOf(ScenarioCatalogError);
    expect(error).toMatchObject({
      code: 'ERR_LAB_SCENARIO_CATALOG',
      message: expect.stringContaining(`scenario id \`${first.id}\` appears twice`),
    });
  });

  it('refuses a scenario with two measured streams: its figures come from exactly one', () => {
    const two = raw();
    const streams = two.scenarios[0]?.streams ?? [];
    const measured = streams.find((s) => s.measure);
    if (!measured) throw new Error('the first scenario has no measured stream');
    streams.push({ ...measured, name: 'second' });
    const error = refusal(two);
    expect(error).toBeInstanceOf(ScenarioCatalogError);
    expect(error).toMatchObject({
      code: 'ERR_LAB_SCENARIO_CATALOG',
      message: expect.stringContaining('exactly one stream must have measure: true'),
    });
  });
});

describe('the catalog’s static text', () => {
  it('makes no claim about io’s rate that a run could refute', () => {
    const lesson = byId('io')?.lesson ?? '';
    // A loaded machine answered 83–88% of it: "every model can sustain" is not true by
    // construction.
    expect(lesson).not.toMatch(/every model can sustain/);
    // What is true by construction: the rate was chosen below each model's capacity on an idle
    // 2-core machine; the report's "rate kept" column says whether this run kept up.
    expect(lesson).toMatch(/chosen below/);
    expect(lesson).toMatch(/otherwise idle/);
    expect(lesson).toMatch(/rate kept/);
  });
});

describe('the environment every measured model runs with', () => {
  it('is the catalog’s serviceEnv without its $comment, which is no variable', () => {
    expect(
      measuredServiceEnv({ serviceEnv: { $comment: 'why these', MAX_PENDING: '0', A_B: 'x' } }),
    ).toEqual({ MAX_PENDING: '0', A_B: 'x' });
    // The repo's catalog: every name a variable name.
    for (const name of Object.keys(measuredServiceEnv(catalog))) {
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});
