import { pipe } from '../src/demos/pipe';
import { overlong, runDemo } from '../test/support/run-demo';

describe('pipe', () => {
  it('carries every message once and in order between two threads and between two processes', async () => {
    const run = await runDemo(pipe, { pings: 200, stream: 3000 });
    // The stream there, and as many back (the responder streams too): in order both ways.
    const counts = run.figures.runs.map((r) => [r.channel, r.received, r.receivedBack, r.inOrder]);
    expect(counts).toEqual([
      ['2 threads, MessageChannel', 3000, 3000, true],
      ['2 processes, TCP socket', 3000, 3000, true],
    ]);
    for (const r of run.figures.runs) expect(r.rttP50Us).toBeGreaterThan(0);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'pipe')).toEqual([]);
  });
});
