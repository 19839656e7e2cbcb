import { kneeLine, kneeOf, meanCurve } from '../src/sweep/knee';
import { parseSweepOptions, POOLED_MODELS } from '../src/sweep/sweep-options';
import type { SweepPoint } from '../src/sweep/sweep-schema';
import { result } from './support/results';

const point = (
  model: SweepPoint['model'],
  workers: number,
  rps: number,
  repeat = 0,
): SweepPoint => ({
  model,
  workers,
  repeat,
  summary: result(model, rps, 100 * workers, 100 + 50 * workers).summary,
});

describe('lab sweep options', () => {
  it('sizes the pooled models of the registry on cpu, 1 … N_CPU + 2, by default', () => {
    expect(parseSweepOptions([])).toMatchObject({
      scenario: 'cpu',
      models: POOLED_MODELS,
      repeats: 1,
    });
    expect(POOLED_MODELS).toEqual(['threads', 'hybrid', 'procpool']);
  });

  it.each([[['--max-workers', '0']], [['--repeats', '1.5']], [['--models', 'fibers']], [['x']]])(
    'refuses %j with a usage error',
    (argv) =>
      expect(() => parseSweepOptions(argv)).toThrow(
        expect.objectContaining({ code: 'ERR_LAB_USAGE' }),
      ),
  );
});

describe('the knee', () => {
  it('is the smallest pool within 10% of the best throughput, with what the sizes past it cost', () => {
    const points = [
      point('threads', 1, 100),
      point('threads', 2, 185),
      point('threads', 3, 195),
      point('threads', 4, 190),
    ];
    const knee = kneeOf('threads', points);
    expect(knee).toMatchObject({ model: 'threads', knee: 2, best: 3 });
    expect(knee.line).toBe(
      'threads: 185 req/s at WORKERS=2 is 95% of its best (195 req/s at WORKERS=3); at WORKERS=4: 1.03× the req/s, p99 2.00×, RSS 200 → 300 MiB.',
    );
  });

  it('reads the mean of the passes, so one slow pass cannot make a knee', () => {
    // Pass 0 went up while the machine got busier; pass 1 came down as it calmed.
    const points = [
      point('threads', 1, 100, 0),
      point('threads', 2, 200, 0),
      point('threads', 3, 120, 0),
      point('threads', 3, 280, 1),
      point('threads', 2, 200, 1),
      point('threads', 1, 100, 1),
    ];
    expect(meanCurve(points).map((p) => p.summary.rps)).toEqual([100, 200, 200]);
    expect(kneeOf('threads', points)).toMatchObject({ knee: 2 });
    // The negative control: the first pass alone puts the best at 2.
    expect(
      kneeOf(
        'threads',
        points.filter((p) => p.repeat === 0),
      ),
    ).toMatchObject({ best: 2 });
  });

  it('says where the knee is beside the guide’s N_CPU + 1, whichever way it falls', () => {
    const knees = [
      { model: 'threads' as const, knee: 2, best: 2, line: '' },
      { model: 'procpool' as const, knee: 2, best: 3, line: '' },
    ];
    expect(kneeLine(knees, 2, 'cpu')).toBe(
      "The knee on this machine (2 CPUs, cpu): WORKERS=2 for threads, procpool — the guide's N_CPU + 1 would be 3; below the guide’s advice: extra workers add no throughput here.",
    );
    expect(kneeLine(knees, 1, 'cpu')).toMatch(/would be 2; as the guide says\.$/);
  });
});
