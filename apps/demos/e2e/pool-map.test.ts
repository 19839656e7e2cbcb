import { poolMap, POOL_SPEEDUP } from '../src/demos/pool-map';
import { overlong, runDemo, tooFewCores } from '../test/support/run-demo';

interface Figures {
  sameResults: boolean;
  threadSpeedup: number;
  processSpeedup: number;
  echoUsPerItem: { threads: number; processes: number };
  bytesPerBatch: { in: number; out: number };
  ms: { serial: number[]; threads: number[]; processes: number[] };
}

describe('pool-map', () => {
  it('maps the image batch over threads and processes to the serial loop’s exact output', async () => {
    const run = await runDemo<object, Figures>(poolMap, { images: 4, size: 64, rounds: 1 });
    if (tooFewCores(run, 2)) return;
    const f = run.figures;
    expect(f.sameResults).toBe(true);
    expect([f.ms.serial.length, f.ms.threads.length, f.ms.processes.length]).toEqual([1, 1, 1]);
    expect(f.bytesPerBatch.in).toBeGreaterThan(0);
    expect(f.bytesPerBatch.out).toBeGreaterThan(0);
    expect(f.echoUsPerItem.processes).toBeGreaterThan(0);
    expect(run.result.verdict.holds).toBe(
      f.threadSpeedup >= POOL_SPEEDUP && f.processSpeedup >= POOL_SPEEDUP,
    );
    expect(overlong(run, 'pool-map')).toEqual([]);
  });
});
