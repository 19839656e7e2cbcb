import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { QUICK_DURATIONS } from '../src/drill';
import { soak } from '../src/drills/soak';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { registryRow, standInContext, standInService } from './support/stand-in-service';

/**
 * A service answering every work request 200 after `delayMs` (its /metrics at once). Soaked at
 * half of `capacity` for 0.6 s: at 4,000, 1,200 arrivals, of which 800 ms of delay keeps every
 * one sent outstanding — past the load generator's 1,000, the rest skipped.
 * `shed`: it answers them 503 `ERR_OVERLOADED` with `Retry-After` instead.
 */
async function soakOf(delayMs: number, { capacity = 4000, shed = false } = {}) {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.end('nodejs_heap_size_used_bytes{model="async"} 1000000\n');
      return;
    }
    setTimeout(() => {
      if (shed) {
        res
          .writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
          .end(JSON.stringify({ status: 503, code: 'ERR_OVERLOADED' }));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, delayMs);
  });
  try {
    const standIn = standInService(await listen(server));
    const { ctx } = standInContext(standIn.service, {
      durations: { ...QUICK_DURATIONS, soakMs: 600, soakWarmupMs: 0 },
      capacity: () => Promise.resolve(capacity),
    });
    const [row] = await soak.run(ctx, [registryRow('async')]);
    return row;
  } finally {
    await close(server);
  }
}

const SERVED_NOTHING = /^nothing sent|^no 200/;
const SKIPPED = /^(\d+) of (\d+) arrivals skipped with the load generator's cap/;

describe('soak', () => {
  it('reports the arrivals skipped with 1,000 outstanding and breaks on them', async () => {
    const row = await soakOf(800);
    expect(row?.requests).toBe(1000);
    const [, skipped, arrivals] = (row?.violations ?? [])
      .map((v) => SKIPPED.exec(v))
      .find(Boolean) ?? [undefined, '0', '0'];
    expect(Number(skipped)).toBeGreaterThan(0);
    expect(Number(arrivals)).toBe(1000 + Number(skipped));
    expect(row?.notes).toContain(
      `${skipped} arrivals skipped, never sent (1000 requests outstanding)`,
    );
    // Every request it sent was answered 200: the skipped arrivals are its only failure.
    expect(row?.lost).toBe(0);
  }, 10_000);

  // At a quarter of the rate: 300 arrivals, fewer than the 1,000 the cap allows outstanding, so
  // not even a loaded machine's stall, which launches the arrivals it held back at once, can
  // make them skip (at 1,200 arrivals it did, now and then).
  it('negative control: a service that keeps up skips nothing', async () => {
    const row = await soakOf(0, { capacity: 1000 });
    expect(row?.requests).toBeGreaterThan(200);
    expect(row?.violations.filter((v) => SKIPPED.test(v))).toEqual([]);
    expect(row?.notes.filter((n) => n.includes('skipped'))).toEqual([]);
    expect(row?.violations.filter((v) => SERVED_NOTHING.test(v))).toEqual([]);
  }, 10_000);

  it('breaks on a service that sheds everything: it measures 0 req/s and is sent nothing', async () => {
    const row = await soakOf(0, { capacity: 0, shed: true });
    expect(row?.requests).toBe(0);
    expect(row?.violations).toContain('nothing sent: half of the capacity measured was no load');
  }, 10_000);

  it('breaks on a service that sheds everything it is sent', async () => {
    const row = await soakOf(0, { capacity: 1000, shed: true });
    expect(row?.requests).toBeGreaterThan(200);
    expect(row?.violations).toContain('no 200: the service served nothing');
  }, 10_000);
});
