import { poolMap, POOL_SPEEDUP } from '../src/demos/pool-map';
import { onEnoughCores, overlong, runDemo } from '../test/support/run-demo';

describe('pool-map', () => {
  it('maps the image batch over threads and processes to the serial loop’s exact output', async () => {
    const run = await runDemo(poolMap, { images: 4, size: 64, rounds: 1 });
    const f = onEnoughCores(run, 2);
    if (f === undefined) return;
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
