import { COPY_PENALTY, sharedMemory } from '../src/demos/shared-memory';
import { overlong, runDemo } from '../test/support/run-demo';

describe('shared-memory', () => {
  it('moves, shares and copies buffers to a thread, and cannot share one with a process', async () => {
    // The largest first: the lesson is judged at the largest size, not at the last one given.
    const run = await runDemo(sharedMemory, { sizes: [2 ** 22, 1024], reps: 3 });
    const f = run.figures;
    expect(f.bySize.map((r) => [r.bytes, r.way])).toEqual([
      [2 ** 22, 'copy'],
      [2 ** 22, 'transfer'],
      [2 ** 22, 'shared'],
      [1024, 'copy'],
      [1024, 'transfer'],
      [1024, 'shared'],
    ]);
    const ms = (way: string) => f.bySize.find((r) => r.bytes === 2 ** 22 && r.way === way)?.ms;
    expect(f.largestBytes).toBe(2 ** 22);
    expect([f.copyOverTransferAtLargest, f.copyOverSharedAtLargest]).toEqual([
      (ms('copy') ?? NaN) / (ms('transfer') ?? NaN),
      (ms('copy') ?? NaN) / (ms('shared') ?? NaN),
    ]);
    // The sender's buffer detached on transfer; the thread's writes to shared memory seen here.
    expect([f.checks.transferDetached, f.checks.sharedVisible]).toEqual([true, true]);
    expect(f.sharedArrayBufferToProcess).toBe('ERR_EXECUTOR_DATA_CLONE');
    expect(run.result.verdict.holds).toBe(
      f.copyOverTransferAtLargest >= COPY_PENALTY && f.copyOverSharedAtLargest >= COPY_PENALTY,
    );
    expect(overlong(run, 'shared-memory')).toEqual([]);
  });
});
