import { describe, expect, it } from '@jest/globals';
import type { Fleet, ServiceProcess } from '@concurrency-lab/launcher';
import { MODELS, type ModelName } from '@concurrency-lab/models';
import {
  emptyRow,
  perModelDrill,
  type DrillContext,
  type DrillFleetOptions,
  type DrillRow,
  type PerModelDrill,
  type RegistryModel,
} from '../src/drill';

/** The registry's first three models, as the runner hands them over. */
const three: readonly RegistryModel[] = MODELS.slice(0, 3);
const models = three.map((m) => m.model);

/**
 * A context whose fleets are stand-ins (starting services is the e2e's part): each records
 * what it was started with and when it was stopped, and its service is named after its model.
 * `failToStart` models throw from startFleet, as a service that would not start does.
 */
function recordingContext(failToStart: readonly ModelName[] = []) {
  const events: string[] = [];
  const ctx = {
    startFleet: (started: readonly ModelName[], options?: DrillFleetOptions) => {
      events.push(`start ${started.join(',')} ${JSON.stringify(options)}`);
      if (started.some((m) => failToStart.includes(m)))
        return Promise.reject(new Error('did not start\nstack'));
      const fleet = {
        service: (model: ModelName) => ({ url: `stand-in:${model}` }) as ServiceProcess,
        stop: () => {
          events.push(`stop ${started.join(',')}`);
          return Promise.resolve();
        },
      };
      return Promise.resolve(fleet as unknown as Fleet);
    },
  } as DrillContext;
  return { ctx, events };
}

const spec = {
  summary: 's',
  recovery: 'r',
  appliesTo: () => true,
  fleet: { upstream: false, modelEnv: { X: '1' } },
} satisfies Omit<PerModelDrill<'pool-crash'>, 'name' | 'runModel'>;

describe('perModelDrill', () => {
  it('hands each model a fresh row filed under the drill, keeps what the body returns, runs on after a throw', async () => {
    const handed: DrillRow[] = [];
    const drill = perModelDrill({
      ...spec,
      name: 'pool-crash',
      runModel: async (_ctx, { model, service }, row) => {
        handed.push(structuredClone(row));
        expect(service.url).toBe(`stand-in:${model}`);
        if (model === models[1]) throw new Error('failed midway\nstack');
        if (model === models[2]) return undefined; // turned out not to apply
        row.requests = 7;
        return row;
      },
    });
    const rows = await drill.run(recordingContext().ctx, three);
    expect(models).toEqual(['async', 'threads', 'cluster']); // three different models
    expect(handed).toEqual(models.map((m) => emptyRow('pool-crash', m)));
    expect(rows).toEqual([
      { ...emptyRow('pool-crash', 'async'), requests: 7 },
      {
        ...emptyRow('pool-crash', 'threads'),
        violations: ['the drill failed: failed midway'],
      },
    ]);
  });

  it('hands each model a row of its own, not one shared and refilled', async () => {
    const drill = perModelDrill({
      ...spec,
      name: 'fuzz',
      runModel: async (_ctx, _target, row) => {
        row.notes.push('ran');
        return row;
      },
    });
    const rows = await drill.run(recordingContext().ctx, three.slice(0, 2));
    expect(rows.map((r) => r.notes)).toEqual([['ran'], ['ran']]);
    expect(rows[0]).not.toBe(rows[1]);
  });

  it("runs each model on a fleet of its own, started with the drill's options and stopped after its run, whatever the run did", async () => {
    const { ctx, events } = recordingContext(['cluster']);
    const drill = perModelDrill({
      ...spec,
      name: 'worker-kill',
      runModel: async (_ctx, { model }, row) => {
        events.push(`run ${model}`);
        if (model === 'threads') throw new Error('failed midway');
        return row;
      },
    });
    const rows = await drill.run(ctx, three);
    const options = JSON.stringify(spec.fleet);
    expect(events).toEqual([
      `start async ${options}`,
      'run async',
      'stop async',
      `start threads ${options}`,
      'run threads',
      'stop threads', // stopped after a run that threw
      `start cluster ${options}`, // did not start: nothing to stop, no run
    ]);
    expect(rows.map((r) => [r.drill, r.model, r.violations])).toEqual([
      ['worker-kill', 'async', []],
      ['worker-kill', 'threads', ['the drill failed: failed midway']],
      ['worker-kill', 'cluster', ['the drill failed: did not start']],
    ]);
  });

  it('starts each fleet with what a fleet function makes of the context and the model', async () => {
    const { ctx, events } = recordingContext();
    const drill = perModelDrill({
      ...spec,
      name: 'overload',
      fleet: (context, model) => ({
        upstream: false,
        modelEnv: { MAX_QUEUE: `${model}/${context.workers}` },
      }),
      runModel: async (_ctx, _target, row) => row,
    });
    await drill.run({ ...ctx, workers: 3 }, three.slice(0, 2));
    expect(events).toEqual([
      'start async {"upstream":false,"modelEnv":{"MAX_QUEUE":"async/3"}}',
      'stop async',
      'start threads {"upstream":false,"modelEnv":{"MAX_QUEUE":"threads/3"}}',
      'stop threads',
    ]);
  });
});
