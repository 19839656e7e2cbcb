import { describe, expect, it } from '@jest/globals';
import { MODELS } from '@concurrency-lab/models';
import {
  emptyRow,
  perModelDrill,
  type DrillContext,
  type DrillRow,
  type RegistryModel,
} from '../src/drill';

// The bodies below never use the context: a drill's runner is what is tested here.
const ctx = {} as DrillContext;
/** The registry's first three models, as the runner hands them over. */
const three: readonly RegistryModel[] = MODELS.slice(0, 3);
const models = three.map((m) => m.model);

describe('perModelDrill', () => {
  it('hands each model a fresh row filed under the drill, keeps what the body returns, runs on after a throw', async () => {
    const handed: DrillRow[] = [];
    const drill = perModelDrill({
      name: 'pool-crash',
      summary: 's',
      recovery: 'r',
      appliesTo: () => true,
      runModel: async (_ctx, { model }, row) => {
        handed.push(structuredClone(row));
        if (model === models[1]) throw new Error('would not start\nstack');
        if (model === models[2]) return undefined; // turned out not to apply
        row.requests = 7;
        return row;
      },
    });
    const rows = await drill.run(ctx, three);
    expect(models).toEqual(['async', 'threads', 'cluster']); // three different models
    expect(handed).toEqual(models.map((m) => emptyRow('pool-crash', m)));
    expect(rows).toEqual([
      { ...emptyRow('pool-crash', 'async'), requests: 7 },
      {
        ...emptyRow('pool-crash', 'threads'),
        violations: ['the drill failed: would not start'],
      },
    ]);
  });

  it('hands each model a row of its own, not one shared and refilled', async () => {
    const drill = perModelDrill({
      name: 'fuzz',
      summary: 's',
      recovery: 'r',
      appliesTo: () => true,
      runModel: async (_ctx, _model, row) => {
        row.notes.push('ran');
        return row;
      },
    });
    const rows = await drill.run(ctx, three.slice(0, 2));
    expect(rows.map((r) => r.notes)).toEqual([['ran'], ['ran']]);
    expect(rows[0]).not.toBe(rows[1]);
  });
});
