import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { POOL_CRASH_EXIT_CODE, POOL_CRASH_SWITCH, poolCrashFibN, type CpuTask } from '../src/index';

describe('the pool crash switch', () => {
  it('is off unless set to a plain n from 0 to 40', () => {
    expect(poolCrashFibN({})).toBeUndefined();
    expect(poolCrashFibN({ [POOL_CRASH_SWITCH]: '31' })).toBe(31);
    expect(poolCrashFibN({ [POOL_CRASH_SWITCH]: '0' })).toBe(0);
    expect(poolCrashFibN({ [POOL_CRASH_SWITCH]: '40' })).toBe(40); // the bound is taken
    for (const typo of ['', ' 31', '31x', '1e1', '41', '-1', '3.5']) {
      expect([typo, poolCrashFibN({ [POOL_CRASH_SWITCH]: typo })]).toEqual([typo, undefined]);
    }
  });

  /**
   * How a worker thread that calls crashIfSwitched(task, crashOn) ends: its exit code. In a
   * thread, process.exit ends only the thread. It runs the source (Node 24 strips its types).
   */
  async function exitCodeOf(task: CpuTask, crashOn: number | undefined): Promise<number> {
    const source = join(__dirname, '..', 'src', 'pool-crash-switch.ts');
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       require(${JSON.stringify(source)}).crashIfSwitched(workerData.task, workerData.crashOn);`,
      { eval: true, workerData: { task, crashOn } },
    );
    const [code] = (await once(worker, 'exit')) as [number];
    return code;
  }

  it('crashes the worker handed fib(n), with its exit code, and no other task', async () => {
    const codes = await Promise.all([
      exitCodeOf({ kind: 'fib', n: 31 }, 31),
      // The controls: another n, another kind of task with that number, the switch off.
      exitCodeOf({ kind: 'fib', n: 30 }, 31),
      exitCodeOf({ kind: 'primes', limit: 31 }, 31),
      exitCodeOf({ kind: 'fib', n: 31 }, undefined),
    ]);
    expect(codes).toEqual([POOL_CRASH_EXIT_CODE, 0, 0, 0]);
  });
});
