import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runFuzz } from '@concurrency-lab/contract-testing';
import { InlineRunner, type CpuTask, type CpuTaskResult, type RunOutcome } from '../src/index';
import { serviceFixture, startUpstream, type Started, type Upstream } from './support/harness';

/**
 * The fuzz suite every model's e2e runs (contract-testing's `runFuzz`), pointed at a service
 * with one planted bug: it must find it. The same cases against the same service without the
 * bug must pass, so what is found is the bug and nothing else.
 */

/** The planted bug: a plain Error (no registered code, so a 500) on one chosen input. */
class EmbossBugRunner extends InlineRunner {
  override run<T extends CpuTask>(
    task: T,
    options: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    if (task.kind === 'filter-generated' && task.filter === 'emboss') {
      return Promise.reject(new Error('planted bug: emboss on a generated image'));
    }
    return super.run(task, options);
  }
}

// Fixed, so the run is reproducible; the cases reach GET /image/filter with a valid query
// often enough (≈ 20 times per 1000) that emboss (1 filter in 5) comes up in any seed.
const SEED = 15;
const RUNS = 1000;

describe('the fuzz properties (negative control)', () => {
  const services = serviceFixture({ per: 'describe' });
  let upstream: Upstream;
  let buggy: Started;
  let sound: Started;

  beforeAll(async () => {
    upstream = await startUpstream();
    const config = { upstreamUrl: upstream.url, requestTimeoutMs: 20_000 };
    buggy = await services.start({ config, runner: new EmbossBugRunner() });
    sound = await services.start({ config });
  });

  afterAll(async () => {
    await upstream.close();
  });

  it('find the 500 a route answers on one chosen input, and shrink to that input', async () => {
    const report = await runFuzz(buggy.base, { runs: RUNS, seed: SEED });
    expect(report.failure).toBeDefined();
    expect(report.failure?.reason).toMatch(/^status 500: /);
    expect(report.failure?.reason).toContain('"code":"ERR_INTERNAL"');
    expect(report.failure?.request.method).toBe('GET');
    expect(report.failure?.request.target).toMatch(/^\/image\/filter\?filter=emboss&size=\d+$/);
  }, 120_000);

  it('pass the same cases against the same service without the bug', async () => {
    const report = await runFuzz(sound.base, { runs: RUNS, seed: SEED });
    expect(report.failure).toBeUndefined();
    expect(report.runs).toBe(RUNS);
  }, 120_000);
});
