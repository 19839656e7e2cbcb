import type { DriverRun, LoadDriver } from '../src/drivers/load-driver';
import {
  longestWaitSeconds,
  measureScenario,
  planStreams,
  WARMUP_MARGIN_SECONDS,
} from '../src/measure-scenario';
import { FULL, QUICK } from '../src/option-schemas';
import { Progress } from '../src/progress';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { loadScenarioCatalog, type Scenario } from '../src/scenario-catalog';

// The catalog's own io and fairness: a stream with a rate, and one without beside one with.
const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
const scenario = (id: string): Scenario => {
  const found = catalog.scenarios.find((s) => s.id === id);
  if (!found) throw new Error(`load-tests/scenarios.json has no ${id}`);
  return found;
};
const io = scenario('io');
const fairness = scenario('fairness');
const held = (scenario: Parameters<typeof planStreams>[0], rate?: number, connections?: number) =>
  planStreams(scenario, 'http://127.0.0.1:1', { rate, connections }).map((s) => [
    s.connections,
    s.rate,
  ]);

describe('the streams a scenario plans', () => {
  it('are the catalog’s when nothing is overridden', () => {
    expect(held(io)).toEqual([[2000, 2000]]);
    expect(held(fairness)).toEqual([
      [4, undefined],
      [4, 100],
    ]);
  });

  it('hold no more connections than the rate: more would sit idle into the request timeout', () => {
    // `--rate 500` on io holds 500 sockets: the report divides memory by 500, not 2000.
    expect(held(io, 500)).toEqual([[500, 500]]);
    // `--connections 3000` at the catalog's 2000 req/s still holds 2000.
    expect(held(io, undefined, 3000)).toEqual([[2000, 2000]]);
    expect(held(io, 3000, 2500)).toEqual([[2500, 3000]]);
  });

  it('override only the measured stream; a stream without a rate keeps its connections', () => {
    expect(held(fairness, 2, 64)).toEqual([
      [4, undefined],
      [2, 2],
    ]);
  });

  it('carry the base URL and the method', () => {
    expect(planStreams(io, 'http://127.0.0.1:3001', {})[0]).toMatchObject({
      url: 'http://127.0.0.1:3001/io/sleep?ms=750',
      method: 'GET',
      measure: true,
    });
  });
});

/**
 * A driver that sends nothing: every stream of a run comes back with `answered` requests sent,
 * all answered in 1 ms (0: none, no latency); `onRun` sees the run first.
 */
function standInDriver(answered: number, onRun: (run: DriverRun) => void): LoadDriver {
  const ms = answered > 0 ? 1 : 0;
  return {
    name: 'stand-in',
    recordsIntervals: false,
    run: (run) => {
      onRun(run);
      return Promise.resolve(
        run.streams.map((p) => ({
          name: p.name,
          measure: p.measure,
          durationSeconds: run.durationSeconds,
          sent: answered,
          ok: answered,
          failed: 0,
          dropped: 0,
          failures: {},
          rps: answered,
          latencyMs: { p50: ms, p90: ms, p95: ms, p99: ms, max: ms, mean: ms },
        })),
      );
    },
  };
}

/** Where the progress line goes: nowhere. */
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

describe('the warm-up before a measurement', () => {
  /** The warm-up `measureScenario` asks the driver for, on a stand-in driver that sends nothing. */
  const warmupOf = async (s: Scenario, warmupSeconds: number) => {
    const asked: number[] = [];
    const driver = standInDriver(0, (run) => asked.push(run.warmupSeconds));
    await measureScenario(
      { driver, options: { warmupSeconds, durationSeconds: 1, sampleIntervalMs: 250 } },
      s,
      { model: 'async', url: 'http://127.0.0.1:1', pid: process.pid, workers: null },
      new Progress(quiet, 1),
    );
    return asked[0];
  };

  it('lasts at least the scenario’s longest wait plus a margin, so answers flow when it ends', async () => {
    // --quick's 0.25 s is shorter than io's 750 ms waits: the measurement would open on silence.
    expect(await warmupOf(io, QUICK.warmupSeconds)).toBe(0.75 + WARMUP_MARGIN_SECONDS);
    expect(await warmupOf(scenario('cpu'), QUICK.warmupSeconds)).toBe(QUICK.warmupSeconds);
    expect(await warmupOf(io, FULL.warmupSeconds)).toBe(FULL.warmupSeconds);
    expect(longestWaitSeconds(scenario('mixed'))).toBe(0.02);
    expect(longestWaitSeconds(scenario('cpu'))).toBe(0);
  });
});

describe('a --targets model’s memory', () => {
  it('is read from its /metrics once more after the load, so a loop too busy to answer the sampler still has a peak', async () => {
    // 50 MiB idle; 90 MiB once the load ran. The stand-in driver never starts the sampler: every
    // scrape of the measurement went unanswered, as a saturated loop's do.
    let rssBytes = 50 * 2 ** 20;
    const server = createServer((_req, res) => {
      res.end(`process_resident_memory_bytes ${rssBytes}\nprocess_cpu_seconds_total 1\n`);
    });
    const url = await listen(server);
    try {
      const driver = standInDriver(10, () => (rssBytes = 90 * 2 ** 20));
      const cpu = scenario('cpu');
      const { summary } = await measureScenario(
        { driver, options: { warmupSeconds: 0, durationSeconds: 1, sampleIntervalMs: 250 } },
        cpu,
        { model: 'async', url, pid: undefined, workers: null },
        new Progress(quiet, 1),
      );
      const connections = cpu.streams.reduce((n, s) => n + s.connections, 0);
      expect(summary).toMatchObject({
        rssIdleBytes: 50 * 2 ** 20,
        rssPeakBytes: 90 * 2 ** 20,
        memoryPerConnectionBytes: Math.round((40 * 2 ** 20) / connections),
      });
    } finally {
      await close(server);
    }
  });
});

describe('a scenario judged on memory per connection', () => {
  /**
   * A model on loopback: its /metrics says the old space in use, scripted — `idle` at the first
   * scrape, then each of `held` in turn (the last again) — and it holds every `/io/sleep` open.
   */
  async function heapServer(idleMiB: number, heldMiB: number[]) {
    let scrapes = 0;
    let waits = 0;
    const hung: import('node:http').ServerResponse[] = [];
    const server = createServer((request, response) => {
      if (request.url?.startsWith('/io/sleep')) {
        waits += 1;
        hung.push(response);
        return;
      }
      const mib =
        scrapes === 0 ? idleMiB : (heldMiB[Math.min(scrapes - 1, heldMiB.length - 1)] ?? 0);
      scrapes += 1;
      response.end(`nodejs_heap_space_size_used_bytes{space="old"} ${mib * 2 ** 20}\n`);
    });
    const url = await listen(server);
    return {
      url,
      waits: () => waits,
      stop: async () => {
        for (const response of hung) response.destroy();
        await close(server);
      },
    };
  }

  const measure = async (s: Scenario, url: string) =>
    (
      await measureScenario(
        {
          driver: standInDriver(10, () => undefined),
          options: { warmupSeconds: 0, durationSeconds: 1, sampleIntervalMs: 250, rate: 40 },
        },
        s,
        { model: 'async', url, pid: process.pid, workers: null },
        new Progress(quiet, 1),
      )
    ).summary;

  it('holds its connections after the load and reads the live heap over the idle one', async () => {
    // --rate 40 holds 40 connections: idle 20 MiB, after the collection 20 MiB + 40 × 8 KiB.
    const model = await heapServer(20, [30, 31, 20 + (40 * 8) / 1024]);
    try {
      const summary = await measure(io, model.url);
      expect([summary.connections, summary.liveHeapPerConnectionBytes]).toEqual([40, 8192]);
      expect(model.waits()).toBe(40);
    } finally {
      await model.stop();
    }
  });

  it('reads none in a scenario judged on anything else', async () => {
    const model = await heapServer(20, [30, 20]);
    try {
      expect((await measure(scenario('cpu'), model.url)).liveHeapPerConnectionBytes).toBeNull();
      expect(model.waits()).toBe(0);
    } finally {
      await model.stop();
    }
  });
});
