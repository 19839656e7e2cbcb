import { cpuNote, gilVerdict, PARALLEL_SPEEDUP } from '../src/demos/gil';

describe("gil's note on the 2-thread runs' CPU", () => {
  it('says the threads ran at the same time only where the verdict would not call the cores busy', () => {
    // The verdict blames busy cores under PARALLEL_SPEEDUP CPU-seconds per second: the note
    // must not claim parallel threads there, even above one core's worth.
    const ranTogether = (cpuPerWall: number) => /ran at the same time/.test(cpuNote(cpuPerWall));
    const cases = [0.9, 1.2, PARALLEL_SPEEDUP - 0.01, PARALLEL_SPEEDUP, 1.9];
    expect(cases.map((c) => [c, ranTogether(c)])).toEqual(
      cases.map((c) => [c, c >= PARALLEL_SPEEDUP]),
    );
    expect(cpuNote(1.2)).toBe(
      "The 2-thread runs burnt 1.20 CPU-seconds per second: under the 1.5 cores' worth a 1.50× speedup needs, so other jobs had the cores.",
    );
  });
});

describe("gil's verdict", () => {
  const judged = (threadSpeedup: number, twoThreadCpuPerWall: number, wrongResults = 0) =>
    gilVerdict({ threadSpeedup, twoThreadCpuPerWall, wrongResults });

  it('holds only when 2 threads were faster by the margin and burnt the CPU of running together', () => {
    expect(judged(1.9, 1.8)).toEqual({
      holds: true,
      why: '2 threads ran 1.90× faster than 1, burning 1.80 CPU-seconds per second',
    });
    // `gil --n 1 --tasks 2 --rounds 1`: runs of ~1 ms, "2.13×" while the threads burnt 1.33
    // CPU-seconds per second — they did not run at the same time, whatever the ratio says.
    const unproven = judged(2.13, 1.33);
    expect(unproven.holds).toBe(false);
    expect(unproven.why).toMatch(/^2 threads were 2\.13× 1 thread but burnt only 1\.33 CPU-/);
    expect(unproven.why).not.toMatch(/faster than 1$/);
  });

  it('fails, saying why, on a wrong result, busy cores, a short speedup, or a figure missing', () => {
    expect(judged(1.9, 1.8, 2)).toEqual({ holds: false, why: '2 results were wrong' });
    expect(judged(1.1, 1.2).why).toMatch(/cores' worth of CPU .*cores busy$/);
    expect(judged(1.2, 1.9).why).toMatch(/^2 threads were 1\.20× 1 thread, under 1\.50×/);
    for (const [speedup, cpu] of [
      [NaN, 1.8],
      [1.9, NaN],
    ] as const)
      expect([speedup, cpu, judged(speedup, cpu).holds]).toEqual([speedup, cpu, false]);
  });
});
