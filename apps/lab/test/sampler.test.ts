import { createServer, type Server, type ServerResponse } from 'node:http';
import { IntervalWindow } from '../src/drivers/interval-window';
import { readOldSpaceBytes, Sampler, type Sample } from '../src/sampler';
import { close, listen } from '@concurrency-lab/launcher/testing';

const metrics = [
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes{model="cluster",pid="1"} 1000000',
  'process_resident_memory_bytes{model="cluster",pid="2"} 2000000',
  'process_cpu_seconds_total{model="cluster"} 12.5',
  'nodejs_eventloop_lag_p99_seconds{model="cluster",pid="1"} 0.010',
  'nodejs_eventloop_lag_p99_seconds{model="cluster",pid="2"} 0.030',
  'lab_eventloop_utilization{model="cluster"} 0.25',
  // V8's spaces, one series each per process: only "old" is the live heap's home.
  'nodejs_heap_space_size_used_bytes{space="old",pid="1"} 40000000',
  'nodejs_heap_space_size_used_bytes{space="new",pid="1"} 9000000',
  'nodejs_heap_space_size_used_bytes{space="old",pid="2"} 2000000',
  'nodejs_heap_space_size_used_bytes{space="large_object",pid="2"} 5000000',
  '',
].join('\n');

/** A /metrics target on loopback answering every request with `handler`, and its base URL. */
async function serve(
  handler: (response: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => handler(response));
  return { server, url: await listen(server) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `--targets` sampler of `url` (100 ms intervals), started, its window, and its first `n`
 * samples.
 */
function targetSampler(url: string, n: number) {
  const window = new IntervalWindow();
  const { onSample, arrived } = firstSamples(n);
  const sampler = new Sampler({
    baseUrl: url,
    pid: undefined,
    intervalMs: 100,
    window,
    onSample,
  });
  sampler.start();
  return { sampler, window, arrived };
}

/**
 * `onSample` for a Sampler, and a promise of its first `n` samples: a test waits for what it
 * asserts on instead of sleeping for it (a loaded machine stretches the intervals).
 */
function firstSamples(n: number): { onSample: (sample: Sample) => void; arrived: Promise<void> } {
  let seen = 0;
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return { onSample: () => void (++seen >= n && arrive()), arrived };
}

/**
 * A sampler of this process's tree and of `url` every `intervalMs` (with `window`, if given),
 * started, and its first `n` samples.
 */
function localSampler(url: string, intervalMs: number, n: number, window?: IntervalWindow) {
  const { onSample, arrived } = firstSamples(n);
  const sampler = new Sampler({ baseUrl: url, pid: process.pid, intervalMs, window, onSample });
  sampler.start();
  return { sampler, arrived };
}

describe('the sampler', () => {
  it('reads the RSS and CPU of a local process tree every interval even when /metrics never answers', async () => {
    // A model too busy to answer: every scrape hangs past the sampler's timeout.
    const hung: ServerResponse[] = [];
    const { server, url } = await serve((response) => void hung.push(response));
    const { sampler, arrived } = localSampler(url, 100, 3);
    try {
      await arrived;
      const samples = await sampler.stop();
      expect(samples.length).toBeGreaterThanOrEqual(3);
      for (const s of samples) {
        expect(s.rssBytes).toBeGreaterThan(10 * 2 ** 20); // the OS answered…
        expect([s.lagP99Ms, s.elu]).toEqual([null, null]); // …the model did not
      }
    } finally {
      for (const response of hung) response.destroy();
      await close(server);
    }
  });

  it('takes a target’s memory and CPU from /metrics, summed over its processes', async () => {
    const { server, url } = await serve((response) => response.end(metrics));
    // The scrape at start (no answers yet), the one of the interval with both, one after it.
    const { sampler, window, arrived } = targetSampler(url, 3);
    try {
      window.record(5);
      window.record(7);
      await arrived;
      const samples = await sampler.stop();
      expect(samples.length).toBeGreaterThanOrEqual(2);
      expect(samples[0]).toMatchObject({
        rssBytes: 3_000_000,
        lagP99Ms: 20,
        elu: 0.25,
        oldSpaceUsedBytes: 42_000_000, // the old spaces of both processes, no other space
      });
      // The two answers fell in one interval, its p99 the slower one; later intervals had none.
      expect(samples.filter((s) => s.p99Ms !== null).map((s) => s.p99Ms)).toEqual([7]);
    } finally {
      await close(server);
    }
  });

  it('keeps an interval’s answers for the next sample while the last scrape is still out', async () => {
    // The first scrape (at start) is held until the test lets it go.
    let held: ServerResponse | undefined;
    let scraping!: () => void;
    const firstScrape = new Promise<void>((resolve) => (scraping = resolve));
    const { server, url } = await serve((response) => {
      if (held !== undefined) return void response.end(metrics);
      held = response;
      scraping();
    });
    const { sampler, window, arrived } = targetSampler(url, 2);
    try {
      window.record(5);
      window.record(9);
      await firstScrape;
      // The interval's tick at 100 ms is due before this sleep ends: it finds the scrape out.
      await sleep(150);
      window.record(7);
      held?.end(metrics);
      await arrived;
      const samples = await sampler.stop();
      // The held scrape's sample (taken at start) has no answers; all three reach the next one
      // (p99 9), none taken by the skipped tick and dropped (that would leave 7 alone).
      expect(samples.map((s) => s.p99Ms)).toEqual([null, 9]);
    } finally {
      await close(server);
    }
  });

  it('has no req/s or p99 without a window (a driver that records no intervals): null, not 0', async () => {
    const { server, url } = await serve((response) => response.end(metrics));
    /** Three samples of a local tree (this process), with `window` or without one. */
    const sampled = async (window: IntervalWindow | undefined) => {
      const { sampler, arrived } = localSampler(url, 100, 3, window);
      await arrived;
      return sampler.stop();
    };
    try {
      const without = await sampled(undefined);
      expect(without.length).toBeGreaterThanOrEqual(3);
      expect(without.map((s) => [s.rps, s.p99Ms])).toEqual(without.map(() => [null, null]));
      // The control: an empty window is a measured 0 answers, each interval's req/s 0.
      const empty = await sampled(new IntervalWindow());
      expect(empty.map((s) => s.rps)).toEqual(empty.map(() => 0));
    } finally {
      await close(server);
    }
  });

  it('takes one last local reading as it stops, however long the interval', async () => {
    // A measurement shorter than one interval still has its end: the reading at t = 0 and the
    // one stop() takes, so the peak RSS covers the whole window.
    const { server, url } = await serve((response) => response.end(metrics));
    const { sampler, arrived } = localSampler(url, 60_000, 1);
    try {
      await arrived;
      await sleep(300);
      const samples = await sampler.stop();
      expect(samples).toHaveLength(2);
      expect(samples[0]?.t).toBe(0);
      expect(samples[1]?.t).toBeGreaterThanOrEqual(0.3);
      expect(samples[1]?.t).toBeLessThan(60);
    } finally {
      await close(server);
    }
  });

  it('gives a target’s CPU as 0 %, never negative, when its summed CPU counter goes down', async () => {
    // A --targets cluster sums process_cpu_seconds_total over its workers: a worker replaced takes
    // its seconds with it, and the sum drops. That is no negative work done.
    const cpuAt = async (step: number) => {
      let cpu = 10;
      const { server, url } = await serve((response) => {
        response.end(`process_resident_memory_bytes 1000000\nprocess_cpu_seconds_total ${cpu}\n`);
        cpu += step;
      });
      const { sampler, arrived } = targetSampler(url, 3);
      try {
        await arrived;
        return (await sampler.stop()).map((s) => s.cpuPercent);
      } finally {
        await close(server);
      }
    };
    const falling = await cpuAt(-1);
    expect(falling.length).toBeGreaterThanOrEqual(3);
    expect(falling).toEqual(falling.map(() => 0));
    // The control: a rising counter is read as CPU used, after the first (baseline) sample.
    const rising = await cpuAt(0.05);
    expect(rising.slice(1).every((percent) => percent > 0)).toBe(true);
  });

  it('has no old space where /metrics exports none, or does not answer: null, not 0', async () => {
    const bare = metrics
      .split('\n')
      .filter((line) => !line.includes('{space="old"'))
      .join('\n');
    const { server, url } = await serve((response) => response.end(bare));
    try {
      expect(await readOldSpaceBytes(url)).toBeNull();
    } finally {
      await close(server);
    }
    expect(await readOldSpaceBytes('http://127.0.0.1:1')).toBeNull(); // nothing listens
    // The control: the same target with its old spaces is read, both processes', no other space.
    const full = await serve((response) => response.end(metrics));
    try {
      expect(await readOldSpaceBytes(full.url)).toBe(42_000_000);
    } finally {
      await close(full.server);
    }
  });

  it('leaves a target’s interval out when its scrape fails: no figure is made up', async () => {
    const { server, url } = await serve((response) => response.destroy());
    const sampler = new Sampler({ baseUrl: url, pid: undefined, intervalMs: 100 });
    try {
      sampler.start();
      await sleep(250);
      expect(await sampler.stop()).toEqual([]);
    } finally {
      await close(server);
    }
  });
});
