import { manager } from '../src/demos/manager';
import { overlong, runDemo } from '../test/support/run-demo';

describe('manager', () => {
  it('loses updates with get-then-set through the primary, none with one atomic message', async () => {
    const run = await runDemo(manager, { workers: 2, increments: 500 });
    const { getThenSet, increment } = run.figures;
    expect(getThenSet.expected).toBe(1000);
    expect(getThenSet.messages).toBe(2000); // a get and a set per increment
    expect(getThenSet.lost).toBeGreaterThan(0);
    expect(getThenSet.actual + getThenSet.lost).toBe(1000);
    expect([increment.messages, increment.actual, increment.lost]).toEqual([1000, 1000, 0]);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'manager')).toEqual([]);
  });
});
