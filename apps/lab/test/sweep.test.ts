import { kneeLine, kneeOf, meanCurve } from '../src/sweep/knee';
import { SWEEP_HEADER, sweepMarkdown, sweepRows } from '../src/sweep/sweep-page';
import { parseSweepOptions, POOLED_MODELS } from '../src/sweep/sweep-options';
import type { Sweep, SweepPoint } from '../src/sweep/sweep-schema';
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
    expect(kneeLine(knees, 2, 'cpu', 4)).toBe(
      "The knee on this machine (2 CPUs, cpu): WORKERS=2 for threads, procpool — the guide's N_CPU + 1 would be 3; below the guide’s advice: extra workers add no throughput here.",
    );
    expect(kneeLine(knees, 1, 'cpu', 3)).toMatch(/would be 2; as the guide says\.$/);
  });
});

describe('the sweep table', () => {
  const sweep = (points: SweepPoint[]): Sweep => ({
    kind: 'sweep',
    schemaVersion: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'test',
      node: 'v24',
      loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
    },
    scenario: { id: 'cpu', title: 'cpu' },
    options: {
      models: ['threads'],
      sizes: [1, 2],
      repeats: 1,
      durationSeconds: 1,
      warmupSeconds: 0.25,
      quick: true,
    },
    points,
    knees: [],
    line: '',
  });

  it('says how busy the machine was at the start and at the end, as the lab report does', () => {
    const busy = { ...sweep([]), machine: { ...sweep([]).machine } };
    busy.machine.loadAverage = { start: [1.74, 0, 0], end: [8.97, 0, 0] };
    expect(sweepMarkdown(busy)).toContain(
      'load average 1.7 at the start, 9.0 at the end (1 min, 2 cores)',
    );
  });

  it('puts every figure under its own heading, the pass included', () => {
    const rows = sweepRows(sweep([point('threads', 2, 123.4), point('threads', 1, 61.5)]));
    for (const row of rows) expect(row).toHaveLength(SWEEP_HEADER.length);
    const cell = (row: string[] | undefined, heading: string) =>
      row?.[SWEEP_HEADER.indexOf(heading)];
    // sorted by size: WORKERS=1 first; its 61.5 req/s under "req/s", its pass under "pass"
    expect(['model', 'WORKERS', 'pass', 'req/s'].map((h) => cell(rows[0], h))).toEqual([
      'threads',
      '1',
      '1',
      '61.5',
    ]);
    expect(cell(rows[1], 'req/s')).toBe('123.4');
    expect(cell(rows[1], 'p99 ms')).toBe('200.0');
  });
});

describe('the knee line when the sweep stops short of the guide', () => {
  it('says the sizes did not reach N_CPU + 1 instead of judging the guide', () => {
    const knees = [{ model: 'threads' as const, knee: 1, best: 1, line: '' }];
    // 2 CPUs: the guide's 3; --max-workers 1 ran WORKERS=1 only.
    const line = kneeLine(knees, 2, 'cpu', 1);
    expect(line).not.toContain('extra workers add no throughput');
    expect(line).toBe(
      "The knee on this machine (2 CPUs, cpu): WORKERS=1 for threads — the guide's N_CPU + 1 would be 3; the sizes run stop at WORKERS=1, short of it: run `--max-workers 3` or more to test it.",
    );
    // the sizes reach the guide: the verdict as before
    expect(kneeLine(knees, 2, 'cpu', 4)).toMatch(/below the guide’s advice/);
  });
});

describe('a model that answered nothing', () => {
  const silent = [1, 2, 3, 4].map((w) => point('hybrid', w, 0));
  const answering = [
    point('threads', 1, 100),
    point('threads', 2, 190),
    point('threads', 3, 195),
    point('threads', 4, 196),
  ];

  it('has no knee, and is left out of the verdict', () => {
    const none = kneeOf('hybrid', silent);
    expect(none).toMatchObject({ model: 'hybrid', knee: null, best: null });
    expect(none.line).toBe('hybrid: answered nothing at any size run, so it has no knee.');
    const threads = kneeOf('threads', answering);
    // The control: a curve that answered has its knee, and the verdict reads it alone.
    expect(threads).toMatchObject({ knee: 2, best: 4 });
    expect(kneeLine([threads, none], 1, 'cpu', 4)).toBe(
      "The knee on this machine (1 CPUs, cpu): WORKERS=2 for threads; none for hybrid (no answers) — the guide's N_CPU + 1 would be 2; as the guide says.",
    );
  });

  it('says the largest size answered nothing, instead of ratios of nothing', () => {
    const line = kneeOf('threads', [...answering.slice(0, 3), point('threads', 4, 0)]).line;
    expect(line).toBe(
      'threads: 190 req/s at WORKERS=2 is 97% of its best (195 req/s at WORKERS=3); at WORKERS=4 it answered nothing.',
    );
    // The control: an answering largest size gets its ratios.
    expect(kneeOf('threads', answering).line).toMatch(/at WORKERS=4: 1\.03× the req\/s/);
  });

  it('reads the p99 past the knee from the passes that answered, and says how many did', () => {
    // A pass that answered nothing has the recorder's 0 for its p99: no reading, not a figure.
    const silentPass: SweepPoint = {
      model: 'threads',
      workers: 4,
      repeat: 0,
      summary: result('threads', 0, 0, 300).summary,
    };
    const points = [
      ...answering.slice(0, 3).flatMap((p) => [0, 1].map((repeat) => ({ ...p, repeat }))),
      silentPass,
      point('threads', 4, 392, 1),
    ];
    // Mean req/s at WORKERS=4 is 196 (the silent pass's 0 is a real throughput); its p99 is
    // the answering pass's 400 ms alone, 2.00× the knee's 200 — not 1.00× from a mean with 0.
    expect(meanCurve(points).at(-1)?.summary).toMatchObject({ rps: 196, p99Ms: 400 });
    expect(kneeOf('threads', points).line).toBe(
      'threads: 190 req/s at WORKERS=2 is 97% of its best (196 req/s at WORKERS=4); at WORKERS=4 (1 of 2 passes answered): 1.03× the req/s, p99 2.00×, RSS 200 → 300 MiB.',
    );
    // The control: both passes answering (196 req/s, p99 400 ms each), no count of passes.
    const both = [...points.slice(0, 6), point('threads', 4, 196, 0), point('threads', 4, 196, 1)];
    expect(kneeOf('threads', both).line).toMatch(/; at WORKERS=4: 1\.03× the req\/s, p99 2\.00×/);
  });

  it('never prints a ratio made of nothing: no 0.00×, NaN or Infinity', () => {
    // 1 answer in a long pass: a real, tiny throughput, and a p99 of that one answer.
    const trickle = point('threads', 4, 0.01);
    const line = kneeOf('threads', [...answering.slice(0, 3), trickle]).line;
    expect(line).toMatch(/at WORKERS=4: <0\.01× the req\/s, p99 2\.00×/);
    expect(line).not.toMatch(/0\.00×|NaN|Infinity/);
    // A knee with no p99 to divide by: no figure, where a 1e-9 guard printed 400000000000.00×.
    const knee = point('threads', 2, 190);
    const noP99 = { ...knee, summary: { ...knee.summary, p99Ms: 0 } };
    const zero = kneeOf('threads', [point('threads', 1, 100), noP99, ...answering.slice(2)]).line;
    expect(zero).toMatch(/at WORKERS=4: 1\.03× the req\/s, p99 n\/a \(nothing to compare with\),/);
  });

  it('makes no verdict when no model answered', () => {
    const line = kneeLine([kneeOf('hybrid', silent)], 2, 'cpu', 4);
    expect(line).toMatch(/none for hybrid \(no answers\)/);
    expect(line).not.toMatch(/WORKERS=1|as the guide says|below|above|disagree/);
  });
});
