import { FreshRuns } from '../src/index';

/** A task whose runs are counted and finish only when told to. */
function gatedTask() {
  const finishers: Array<(value: number) => void> = [];
  let runs = 0;
  return {
    task: () =>
      new Promise<number>((resolve) => {
        const run = ++runs;
        finishers.push(() => resolve(run));
      }),
    get runs() {
      return runs;
    },
    finish(run: number) {
      finishers[run - 1]?.(run);
    },
  };
}

describe('FreshRuns', () => {
  it('runs once for a caller alone, and again for the next caller once that run ended', async () => {
    const runs = new FreshRuns<string, number>();
    const gate = gatedTask();
    const first = runs.run('k', gate.task);
    gate.finish(1);
    expect(await first).toBe(1);
    const second = runs.run('k', gate.task);
    gate.finish(2);
    expect(await second).toBe(2);
    expect(gate.runs).toBe(2);
  });

  it('gives every caller that asked during a run the next run, shared: two runs for a burst', async () => {
    const runs = new FreshRuns<string, number>();
    const gate = gatedTask();
    const first = runs.run('k', gate.task);
    const burst = Array.from({ length: 50 }, () => runs.run('k', gate.task));
    expect(gate.runs).toBe(1);
    gate.finish(1);
    expect(await first).toBe(1);
    // The next run starts once the first ended, never before: its callers asked after run 1 began.
    await new Promise(setImmediate);
    expect(gate.runs).toBe(2);
    gate.finish(2);
    expect(await Promise.all(burst)).toEqual(Array<number>(50).fill(2));
    expect(gate.runs).toBe(2);
  });

  it('runs keys apart', async () => {
    const runs = new FreshRuns<boolean, number>();
    const a = gatedTask();
    const b = gatedTask();
    const fromA = runs.run(true, a.task);
    const fromB = runs.run(false, b.task);
    expect([a.runs, b.runs]).toEqual([1, 1]);
    a.finish(1);
    b.finish(1);
    expect(await Promise.all([fromA, fromB])).toEqual([1, 1]);
  });

  it('rejects the sharers of a failed run, and the next caller runs afresh', async () => {
    const runs = new FreshRuns<string, number>();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error(`run ${calls} failed`));
    };
    const first = runs.run('k', failing);
    const shared = [runs.run('k', failing), runs.run('k', failing)];
    await expect(first).rejects.toThrow('run 1 failed');
    const results = await Promise.allSettled(shared);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
      'Error: run 2 failed',
      'Error: run 2 failed',
    ]);
    await expect(runs.run('k', () => Promise.resolve(7))).resolves.toBe(7);
    expect(calls).toBe(2);
  });

  it('turns a task that throws at once into a rejection, and keeps no run of it', async () => {
    const runs = new FreshRuns<string, number>();
    const throwing = (): Promise<number> => {
      throw new Error('at once');
    };
    await expect(runs.run('k', throwing)).rejects.toThrow('at once');
    await expect(runs.run('k', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
