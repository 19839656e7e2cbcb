import type { ModelResult } from '../src/report/report-schema';
import { lessonsFor, verdictFor } from '../src/report/verdict';

const result = (
  model: ModelResult['model'],
  rps: number,
  p99Ms: number,
  rssMiB: number,
): ModelResult => ({
  model,
  streams: [],
  samples: [],
  summary: {
    rps,
    p50Ms: p99Ms / 2,
    p95Ms: p99Ms * 0.9,
    p99Ms,
    failed: 0,
    dropped: 0,
    rssPeakBytes: rssMiB * 2 ** 20,
    cpuPercentMean: 100,
    lagP99MaxMs: 1,
    eluMean: 0.5,
  },
});

describe('the verdict', () => {
  it('names the winner on throughput, on p99 and on memory', () => {
    const verdict = verdictFor({ prefers: ['cluster'], text: 'CPU-bound → processes' }, [
      result('async', 100, 50, 80),
      result('threads', 170, 30, 120),
      result('cluster', 190, 40, 300),
    ]);
    expect(verdict).toMatchObject({
      throughput: 'cluster',
      p99: 'threads',
      memory: 'async',
      agreesWithGuide: true,
    });
  });

  it('says plainly when the measurement does not agree with the guide', () => {
    const verdict = verdictFor({ prefers: ['async'], text: 'thousands of connections → asyncio' }, [
      result('async', 100, 50, 80),
      result('cluster', 180, 40, 300),
    ]);
    expect(verdict.agreesWithGuide).toBe(false);
    expect(verdict.note).toMatch(/^Does not agree/);
  });

  it('treats models within 5% of the best throughput as tied', () => {
    const verdict = verdictFor({ prefers: ['async'], text: 'I/O-bound' }, [
      result('async', 97, 50, 80),
      result('threads', 100, 50, 100),
    ]);
    expect(verdict.agreesWithGuide).toBe(true);
  });
});

describe('the lessons', () => {
  const scenario = (id: string, results: ModelResult[]) => ({
    id,
    title: id,
    lesson: '',
    guide: { prefers: ['cluster'], text: '' },
    results,
    verdict: verdictFor({ prefers: ['cluster'], text: '' }, results),
  });

  it('hold when threads and cluster reach 1.6× on cpu and async I/O p99 is ≥ 3× threads in fairness', () => {
    const lessons = lessonsFor([
      scenario('cpu', [
        result('async', 100, 1, 1),
        result('threads', 170, 1, 1),
        result('cluster', 180, 1, 1),
      ]),
      scenario('fairness', [result('async', 50, 300, 1), result('threads', 100, 20, 1)]),
    ]);
    expect(lessons.map((l) => [l.id, l.holds])).toEqual([
      ['cpu-needs-cores', true],
      ['cpu-blocks-the-loop', true],
    ]);
  });

  it('hold cpu-needs-cores to every model that runs CPU work off the loop, hybrid and procpool too', () => {
    const cpu = (procpool: number) =>
      lessonsFor([
        scenario('cpu', [
          result('async', 100, 1, 1),
          result('threads', 170, 1, 1),
          result('cluster', 180, 1, 1),
          result('hybrid', 175, 1, 1),
          result('procpool', procpool, 1, 1),
        ]),
      ])[0];
    expect(cpu(165)).toMatchObject({ id: 'cpu-needs-cores', holds: true });
    expect(cpu(120)).toMatchObject({ holds: false });
    expect(cpu(120)?.figures).toContain('procpool 1.20× async');
    expect(cpu(120)?.claim).toContain('threads, cluster, hybrid and procpool');
  });

  it('do not hold when the figures fall short, and the report says so', () => {
    const lessons = lessonsFor([
      scenario('cpu', [
        result('async', 100, 1, 1),
        result('threads', 120, 1, 1),
        result('cluster', 180, 1, 1),
      ]),
      scenario('fairness', [result('async', 50, 30, 1), result('threads', 100, 20, 1)]),
    ]);
    expect(lessons.map((l) => l.holds)).toEqual([false, false]);
  });
});
