import { lessonsFor } from '../src/report/lessons';
import { result, scenario } from './support/results';

/** The fairness lesson from async's and hybrid's I/O p99 there, each with its share of the rate. */
const fairness = (
  async: [p99Ms: number, sustained: number | null],
  hybrid: [p99Ms: number, sustained: number | null],
) =>
  lessonsFor([
    scenario(
      'fairness',
      [
        result('async', 50, async[0], 1, { sustained: async[1] }),
        result('hybrid', 100, hybrid[0], 1, { sustained: hybrid[1] }),
      ],
      'p99',
    ),
  ])[0];

describe('a lesson’s printed ratio', () => {
  it('never reads as meeting the threshold it misses', () => {
    // A real run: 338.897 / 114.081 = 2.97, which toFixed(1) printed as 3.0× beside "≥ 3".
    const lesson = fairness([338.897, null], [114.081, null]);
    expect(lesson?.holds).toBe(false);
    expect(lesson?.figures).toContain('hybrid 114.1 ms (2.97×)');
    // The control: far from the threshold, the ratio keeps its one digit.
    expect(fairness([350, null], [100, null])?.figures).toContain('hybrid 100.0 ms (3.5×)');
  });

  it('rounds toward the verdict where more digits still read wrong', () => {
    expect(fairness([2.9999, null], [1, null])?.figures).toContain('(2.999×)');
    expect(fairness([3, null], [1, null])?.figures).toContain('(3.0×)');
    expect(fairness([3, null], [1, null])?.holds).toBe(true);
  });

  it('never reads as meeting the cpu lesson’s 1.5× it misses, nor missing it when met', () => {
    const cpu = (threads: number) =>
      lessonsFor([
        scenario('cpu', [result('async', 100, 1, 1), result('threads', threads, 1, 1)]),
      ])[0];
    expect(cpu(149.96)).toMatchObject({ holds: false, figures: 'threads 1.499× async' });
    expect(cpu(170)).toMatchObject({ holds: true, figures: 'threads 1.70× async' });
  });
});

describe('the fairness lesson where a model fell below the fixed rate (its p99 a floor)', () => {
  const three = (asyncRun: [number, number], threads: [number, number], hybrid: [number, number]) =>
    lessonsFor([
      scenario(
        'fairness',
        [
          result('async', 50, asyncRun[0], 1, { sustained: asyncRun[1] }),
          result('threads', 100, threads[0], 1, { sustained: threads[1] }),
          result('hybrid', 100, hybrid[0], 1, { sustained: hybrid[1] }),
        ],
        'p99',
      ),
    ])[0];

  it('holds on async’s floor: its loop blocked, it sent less, and still waited ≥ 3× longer', () => {
    // The usual run: async's blocked loop answers a fraction of the rate; the pools keep up.
    const lesson = fairness([338, 0.19], [20, 1]);
    expect(lesson?.holds).toBe(true);
    expect(lesson?.figures).toBe(
      'I/O p99: async 338.0 ms (a floor: async answered 19%); hybrid 20.0 ms (16.9×)',
    );
  });

  it('cannot be judged where a floor falls short: async’s real p99 may be higher', () => {
    // The trial run: async at 19%, hybrid 2.97× — short of 3× on a figure that is only a floor.
    const lesson = fairness([338.897, 0.19], [114.081, 1]);
    expect(lesson?.holds).toBeNull();
    expect(lesson?.figures).toContain('cannot be judged here for hybrid: below the fixed rate');
    expect(lesson?.figures).toContain('hybrid 114.1 ms (2.97×)');
    // The control: async kept up, so its p99 is no floor, and 2.97× refutes the claim.
    expect(fairness([338.897, 1], [114.081, 1])?.holds).toBe(false);
  });

  it('cannot be judged where a pooled model’s floor clears 3×, fails where it falls short', () => {
    expect(fairness([300, 1], [20, 0.4])).toMatchObject({
      holds: null,
      figures: expect.stringContaining('hybrid 20.0 ms (a floor: hybrid answered 40%) (15.0×)'),
    });
    // Its real p99 is at least 200 ms: async's 300 ms is 1.5× at most — refuted.
    expect(fairness([300, 1], [200, 0.4])?.holds).toBe(false);
  });

  it('fails on any model short of it, is open while one is unsettled, holds when all clear it', () => {
    expect(three([300, 1], [200, 1], [20, 0.5])?.holds).toBe(false);
    const open = three([300, 1], [20, 1], [20, 0.5]);
    expect(open?.holds).toBeNull();
    expect(open?.figures).toContain('cannot be judged here for hybrid');
    expect(three([300, 0.2], [20, 1], [30, 1])?.holds).toBe(true);
  });
});

describe('the cpu lesson, weighed at the run’s speed (docs/design.md, "The cpu lesson")', () => {
  type Model = 'async' | 'threads' | 'cluster' | 'hybrid' | 'procpool';
  type Run = { [model in Model]?: [rps: number, cpuPercentMean: number] };
  /** The cpu lesson of a run: each model's [req/s, mean CPU %]. */
  const cpuLesson = (run: Run) =>
    lessonsFor([
      scenario(
        'cpu',
        (Object.entries(run) as [Model, [number, number]][]).map(([model, [rps, cpu]]) =>
          result(model, rps, 1, 1, { cpuPercentMean: cpu }),
        ),
      ),
    ])[0];
  /** A run of all five: each model's [req/s, mean CPU %], in the registry's order. */
  const allFive = (...figures: [number, number][]): Run =>
    Object.fromEntries(
      (['async', 'threads', 'cluster', 'hybrid', 'procpool'] as const).map((m, i) => [
        m,
        figures[i],
      ]),
    );
  // A fresh `npm start` on 2026-12-06: hybrid and procpool kept ~1.85 times async's cores busy,
  // each request costing them 8.6 and 9.7 ms of CPU against cluster's 6.0 for the same fib(30).
  const freshStart = allFive([152, 99], [268, 179], [294, 177], [214, 184], [188, 183]);
  // A --quick run: hybrid slowed (9.7 ms a request, 1.45× async's 6.7), the others at full speed.
  const hybridSlowed = allFive([156, 104], [253, 178], [279, 187], [191, 185], [242, 171]);
  // A --quick run with no process slowed: 6.1–7.1 ms a request, hybrid's the dearest (1.16×).
  const fullSpeed = allFive([163, 99], [269, 181], [287, 185], [257, 184], [277, 184]);

  it('cannot be judged for models whose processes ran slow while they kept the cores busy', () => {
    const lesson = cpuLesson(freshStart);
    expect(lesson?.holds).toBeNull();
    expect(lesson?.figures).toBe(
      'cannot be judged here for hybrid and procpool: each request cost ≥ 1.2× the CPU of the ' +
        "cheapest model's (cluster at 6.0 ms) for the same work while the cores were busy — " +
        'processes the machine ran slow, not fewer cores; threads 1.76× async, cluster 1.93× ' +
        "async, hybrid 1.41× async (8.6 ms of CPU a request, 1.86× async's cores busy), " +
        "procpool 1.24× async (9.7 ms of CPU a request, 1.85× async's cores busy)",
    );
    // The control: the same throughput at the run's speed (procpool's CPU as cheap as cluster's)
    // would have kept only 1.15 times async's cores busy: a shortfall the lesson fails on.
    expect(cpuLesson({ ...freshStart, procpool: [188, 113] })?.holds).toBe(false);
  });

  it('fails on a model that did not keep the cores busy, however slow each request was', () => {
    // 7.4 ms a request (1.24× cluster's) but 1.41 times async's cores: no parallelism to excuse.
    const lesson = cpuLesson({ ...freshStart, hybrid: [268, 179], procpool: [188, 140] });
    expect(lesson?.holds).toBe(false);
    expect(lesson?.figures).toBe(
      'threads 1.76× async, cluster 1.93× async, hybrid 1.76× async, procpool 1.24× async',
    );
  });

  it('fails on a shortfall at the run’s speed even while another model is open', () => {
    // procpool made short at the run's speed: 7.1 ms a request, 1.54 times async's cores, 1.44×
    // its req/s; hybrid open as that run read it.
    const lesson = cpuLesson({ ...hybridSlowed, procpool: [225, 160] });
    expect(lesson?.holds).toBe(false);
    expect(lesson?.figures).toContain('cannot be judged here for hybrid:');
    expect(lesson?.figures).toMatch(/procpool 1.44× async$/);
    // The control: procpool as that run read it (242 req/s, 1.55×) leaves only hybrid open.
    expect(cpuLesson(hybridSlowed)?.holds).toBeNull();
  });

  it('holds where every model clears 1.5× at the run’s speed, within 1.2× of the cheapest', () => {
    expect(cpuLesson(fullSpeed)).toMatchObject({
      holds: true,
      figures: 'threads 1.65× async, cluster 1.76× async, hybrid 1.58× async, procpool 1.70× async',
    });
  });

  it('cannot be judged for models that clear 1.5× only against an async the machine ran slow', () => {
    // async at 8.3 ms a request where threads paid 6.7: its throughput is no baseline.
    const lesson = cpuLesson({ async: [120, 100], threads: [270, 180] });
    expect(lesson?.holds).toBeNull();
    expect(lesson?.figures).toBe(
      "cannot be judged here for threads: async's own requests cost 8.3 ms of CPU each, ≥ 1.2× " +
        "the cheapest model's (threads at 6.7 ms) for the same work — a baseline the machine ran " +
        'slow; threads 2.25× async',
    );
    // The control: async at 6.7 ms too (150 req/s at 100 %) is a baseline; 1.80× holds.
    expect(cpuLesson({ async: [150, 100], threads: [270, 180] })?.holds).toBe(true);
  });

  it('takes a model without a CPU reading as neither slow nor the cheapest, nor as a baseline', () => {
    // No samples (0 %): its cost reads 0 ms, which would make every other model "slow".
    const noReading = cpuLesson({ ...freshStart, cluster: [294, 0] });
    expect(noReading?.figures).toContain("cheapest model's (async at 6.5 ms)");
    // Nor is a model with no reading excused: procpool at 0 % is a plain shortfall.
    expect(cpuLesson({ ...freshStart, procpool: [188, 0] })?.holds).toBe(false);
    // Nor a slow model when async has no reading: the cores it kept busy against async's are
    // unknown, so its shortfall stands.
    expect(cpuLesson({ ...freshStart, async: [152, 0] })?.holds).toBe(false);
  });
});
