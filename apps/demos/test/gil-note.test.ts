import { cpuNote, PARALLEL_SPEEDUP } from '../src/demos/gil';

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
