import { COPY_PENALTY, sharedMemory } from '../src/demos/shared-memory';
import { overlong, runDemo } from '../test/support/run-demo';

describe('shared-memory', () => {
  it('moves, shares and copies buffers to a thread, and cannot share one with a process', async () => {
    const run = await runDemo(sharedMemory, { sizes: [1024, 2 ** 22], reps: 3 });
    const f = run.figures;
    expect(f.bySize.map((r) => [r.bytes, r.way])).toEqual([
      [1024, 'copy'],
      [1024, 'transfer'],
      [1024, 'shared'],
      [2 ** 22, 'copy'],
      [2 ** 22, 'transfer'],
      [2 ** 22, 'shared'],
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
