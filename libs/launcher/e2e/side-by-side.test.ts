import { join } from 'node:path';
import { liveChildren } from '@concurrency-lab/procfs/testing';
import { launch, StartFailedError, type ServiceProcess } from '../src';
import { sideBySide, type BenchServer } from '../src/side-by-side';

const fixture = (name: string) => join(__dirname, 'fixtures', `${name}.js`);

/** A server of the listens fixture, its pid kept so that the test can look for it after. */
function server(name: string, env: Record<string, string>, pids: number[]): BenchServer {
  return {
    name,
    start: async (): Promise<ServiceProcess> => {
      const service = await launch(fixture('listens'), { name, env });
      pids.push(service.pid);
      return service;
    },
  };
}

describe('sideBySide', () => {
  it('rates each server against the anchor in the same rounds, counts failures, stops them all', async () => {
    const pids: number[] = [];
    const rows = await sideBySide({
      servers: [
        server('fast (anchor)', {}, pids),
        server('slow', { ANSWER_DELAY_MS: '20' }, pids),
        server('failing', { ANSWER_STATUS: '503' }, pids),
      ],
      loads: [{ name: 'root', path: '/', connections: 4 }],
      rounds: 2,
      seconds: 1,
    });
    expect(rows.map((r) => [r.load, r.server])).toEqual([
      ['root', 'fast (anchor)'],
      ['root', 'slow'],
      ['root', 'failing'],
    ]);
    const [anchor, slow, failing] = rows;
    expect(anchor?.['req/s ÷ anchor']).toBe('1.00×');
    expect(anchor?.failed).toBe(0);
    // 4 connections waiting 20 ms each: at most 200 answers a second (a margin for how
    // autocannon buckets its seconds), far below the anchor's.
    expect(slow?.['req/s']).toBeLessThan(250);
    expect(slow?.failed).toBe(0);
    expect(Number.parseFloat(slow?.['req/s ÷ anchor'] ?? '')).toBeLessThan(0.5);
    // Every answer of the failing server counts (2 rounds of 1 s), none of the others'.
    expect(failing?.failed).toBeGreaterThan(100);
    expect(pids).toHaveLength(3);
    expect(liveChildren().filter((pid) => pids.includes(pid))).toEqual([]);
  });

  // `{ ...settings(), ...options }` took `rounds: undefined` as is: no round ran, the rows NaN.
  it('runs the rounds of BENCH_ROUNDS for `rounds: undefined`, as for a figure left out', async () => {
    const saved = process.env['BENCH_ROUNDS'];
    process.env['BENCH_ROUNDS'] = '1';
    try {
      const pids: number[] = [];
      const rows = await sideBySide({
        servers: [server('anchor', {}, pids)],
        loads: [{ name: 'root', path: '/', connections: 1 }],
        rounds: undefined,
        seconds: 1,
      });
      expect(rows).toEqual([expect.objectContaining({ server: 'anchor', failed: 0 })]);
      expect(rows[0]?.['req/s']).toBeGreaterThan(0);
      expect(rows[0]?.['req/s ÷ anchor']).toBe('1.00×');
    } finally {
      if (saved === undefined) delete process.env['BENCH_ROUNDS'];
      else process.env['BENCH_ROUNDS'] = saved;
    }
  });

  it('stops the servers it started when another fails to start', async () => {
    const pids: number[] = [];
    const failing: BenchServer = {
      name: 'exits',
      start: () => launch(fixture('exits'), { name: 'exits' }),
    };
    await expect(
      sideBySide({
        servers: [server('first', {}, pids), failing],
        loads: [{ name: 'root', path: '/', connections: 1 }],
        rounds: 1,
        seconds: 1,
      }),
    ).rejects.toBeInstanceOf(StartFailedError);
    expect(pids).toHaveLength(1);
    expect(liveChildren()).not.toContain(pids[0]);
  });
});
