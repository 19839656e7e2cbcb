import { judge, type SizeMedians } from '../src/demos/shared-memory';

// The e2e test runs the demo with a real thread and process pool, at sizes where a copy's cost
// is up to the machine. Here the verdict meets made-up medians. The margin is written as the
// literal 10, not read from COPY_PENALTY: a test that read it would follow it anywhere.

const seen = {
  transferDetached: true,
  sharedVisible: true,
  processOutcome: 'ERR_EXECUTOR_DATA_CLONE',
};
const KiB = 1024;
const MiB = 1024 * KiB;

/** Medians at 1 KiB (a copy as cheap as the rest) and at 64 MiB, `largest` ms each way. */
const sizes = (largest: { copy: number; transfer: number; shared: number }): SizeMedians[] => [
  { bytes: KiB, copy: 0.06, transfer: 0.09, shared: 0.06 },
  { bytes: 64 * MiB, ...largest },
];

describe('the shared-memory verdict', () => {
  it('holds when a copy cost 10× a transfer and 10× shared memory at the largest size', () => {
    const judged = judge(sizes({ copy: 100, transfer: 2, shared: 4 }), seen);
    expect(judged).toMatchObject({ copyOverTransfer: 50, copyOverShared: 25 });
    expect(judged.largest.bytes).toBe(64 * MiB);
    expect(judged.verdict).toEqual({ holds: true, why: 'at 64 MiB a copy cost 50.00× a transfer' });
    // 10× each, exactly, is enough.
    expect(judge(sizes({ copy: 10, transfer: 1, shared: 1 }), seen).verdict.holds).toBe(true);
  });

  it('does not hold when a copy cost 16× a transfer but only 3.9× shared memory', () => {
    const judged = judge(sizes({ copy: 16, transfer: 1, shared: 16 / 3.9 }), seen);
    expect(judged.copyOverShared).toBeCloseTo(3.9, 10);
    expect(judged.checks.copyCostsAtLargest).toBe(false);
    expect(judged.verdict).toEqual({ holds: false, why: 'not shown: copyCostsAtLargest' });
  });

  it('does not hold when a copy cost 9.9× a transfer, however far above shared memory', () => {
    expect(judge(sizes({ copy: 9.9, transfer: 1, shared: 0.1 }), seen).verdict).toEqual({
      holds: false,
      why: 'not shown: copyCostsAtLargest',
    });
  });

  it('judges at the largest size wherever the list puts it, not at the last one', () => {
    const largestFirst = sizes({ copy: 100, transfer: 2, shared: 4 }).reverse();
    expect(judge(largestFirst, seen)).toMatchObject({
      largest: { bytes: 64 * MiB },
      verdict: { holds: true },
    });
  });

  it('names each other check a wrong run fails', () => {
    const wrong = { transferDetached: false, sharedVisible: false, processOutcome: 'accepted' };
    expect(judge(sizes({ copy: 100, transfer: 2, shared: 4 }), wrong).verdict).toEqual({
      holds: false,
      why: 'not shown: transferDetached, sharedVisible, processRefusedShared',
    });
  });
});
